/**
 * Sizes of the fault scenarios. `smoke` (CI, a few minutes in all) keeps counts small and outages
 * short; `full` (by command) uses the sizes the issues name: 1,000 loans, a 20 s Redis outage,
 * a Twilio outage of a minute.
 */
export const MODE = process.env.RAPPEL_FAULTS === 'full' ? 'full' : 'smoke';
const full = MODE === 'full';

export const SCALE = {
  /** Loans created over HTTP while a fault happens. */
  streamedLoans: full ? 200 : 40,
  /** Loans whose reminders fall due within the next minute (scenario 6). */
  realtimeLoans: full ? 1_000 : 100,
  /** Seconds over which their reminders fall due. */
  realtimeSpreadSeconds: full ? 45 : 20,
  /** Seconds Redis stays down (scenarios 1 and 7). */
  redisOutageSeconds: full ? 20 : 5,
  /** Seconds Postgres is unreachable (scenario 3). */
  postgresOutageSeconds: full ? 20 : 5,
  /** Seconds the SMTP server refuses connections, and the retry base delay that must outlast it. */
  smtpOutageSeconds: full ? 40 : 8,
  smtpRetryBaseMs: full ? 10_000 : 2_000,
  /** Seconds Twilio answers 429 / 500, and the rate limit that must hold meanwhile. */
  twilioOutageSeconds: full ? 60 : 8,
  twilioRetryBaseMs: full ? 10_000 : 2_000,
  twilioRatePerSecond: 5,
  /** Messages in flight when a worker is killed (scenario 2). */
  killedInFlight: full ? 30 : 10,
} as const;
