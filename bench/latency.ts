/**
 * Latency at a steady load: 100 loans a second for 60 s (open loop: each request leaves on
 * its own schedule), then p50/p95/p99 of the time from the HTTP response to the e-mail's
 * acceptance by the SMTP server and to the WhatsApp request reaching the Twilio server. Also
 * the HTTP response time itself.
 *
 *   pnpm bench latency                   # 100 loans/s for 60 s
 *   pnpm bench latency --smoke           # 10 loans/s for 5 s: checks the script runs
 *   pnpm bench latency --rate 50 --seconds 30
 */
import { parseArgs } from 'node:util';
import { atSteadyRate, loanLoad } from './lib/loan-load';
import { type Figure, fmtMs, loadAverage, percentile, printFigures, round, writeResult } from './lib/report';
import { type Borrowers, seedBorrowers } from './lib/seed';
import { deliveryCheck, startStack } from './lib/stack';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    rate: { type: 'string' },
    seconds: { type: 'string' },
  },
});
const RATE = Number(args.rate ?? (args.smoke ? 10 : 100));
const SECONDS = Number(args.seconds ?? (args.smoke ? 5 : 60));
const LOANS = Math.round(RATE * SECONDS);
const P99_GOAL_MS = 500;

const loadAtStart = loadAverage();
let borrowers: Borrowers | undefined;
const stack = await startStack({
  services: ['attribution-service', 'email-sender', 'whatsapp-sender'],
  beforeServices: async (db) => {
    borrowers = await seedBorrowers(db, LOANS);
  },
});

try {
  const load = await loanLoad(stack.db, stack.url('attribution-service'), borrowers!, { sockets: 256 });
  const answers = await atSteadyRate(load, 0, RATE, SECONDS);
  // From the first request sent to the last one sent: the load actually offered.
  const sent = answers.map((a) => a.sentAt);
  const offeredSeconds = (Math.max(...sent) - Math.min(...sent)) / 1000 + 1 / RATE;
  await stack.smtp.waitFor(LOANS, 120_000);
  await stack.twilio.waitFor(LOANS, 120_000);
  load.close();

  const toSmtp: number[] = [];
  const toTwilio: number[] = [];
  const http: number[] = [];
  for (const a of answers) {
    http.push(a.respondedAt - a.sentAt);
    const mail = stack.smtp.acceptedAt.get(borrowers!.emails[a.index]!.toLowerCase());
    const wa = stack.twilio.acceptedAt.get(borrowers!.phones[a.index]!);
    if (mail !== undefined) toSmtp.push(mail - a.respondedAt);
    if (wa !== undefined) toTwilio.push(wa - a.respondedAt);
  }
  const check = deliveryCheck(stack, borrowers!, LOANS);
  const stats = (xs: number[]) => ({
    p50: round(percentile(xs, 0.5)),
    p95: round(percentile(xs, 0.95)),
    p99: round(percentile(xs, 0.99)),
    max: round(Math.max(...xs)),
  });
  const result = { http: stats(http), toSmtp: stats(toSmtp), toTwilio: stats(toTwilio) };
  const figures: Figure[] = [];
  const row = (name: string, s: ReturnType<typeof stats>, goal: boolean) =>
    figures.push({
      name,
      value: `p50 ${fmtMs(s.p50)} · p95 ${fmtMs(s.p95)} · p99 ${fmtMs(s.p99)} · max ${fmtMs(s.max)}`,
      ...(goal ? { goal: `p99 < ${P99_GOAL_MS} ms`, met: s.p99 < P99_GOAL_MS } : {}),
    });
  row('HTTP response time (POST /v1/loans)', result.http, false);
  row('response → SMTP accepted', result.toSmtp, true);
  row('response → Twilio request', result.toTwilio, true);
  figures.push({
    name: 'offered load',
    value: `${LOANS} loans in ${round(offeredSeconds)} s (${round(LOANS / offeredSeconds)}/s)`,
    goal: `${RATE}/s`,
    met: LOANS / offeredSeconds >= RATE * 0.95,
  });
  figures.push({
    name: 'each message exactly once',
    value: `${check.emails} e-mails, ${check.whatsapp} WhatsApp, ${check.duplicates} duplicates`,
    goal: `${LOANS} + ${LOANS}, 0 duplicates`,
    met: check.missing === 0 && check.duplicates === 0,
  });
  printFigures(
    `Latency at ${RATE} loans/s for ${SECONDS} s (load ${loadAtStart.join(' ')} → ${loadAverage().join(' ')})`,
    figures,
  );
  const file = writeResult(args.smoke ? 'latency-smoke' : 'latency', {
    rate: RATE,
    seconds: SECONDS,
    loans: LOANS,
    offeredPerSecond: LOANS / offeredSeconds,
    ...result,
    delivery: check,
    goals: { p99Ms: P99_GOAL_MS },
    loadAverageAtStart: loadAtStart,
  });
  console.log(`\nresults: ${file}`);
  if (check.missing || check.duplicates) process.exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(process.exitCode ?? 0);
