/**
 * Latency at a steady load: 100 loans a second for 60 s (open loop: each request leaves on
 * its own schedule), then p50/p95/p99 of the time from the HTTP response to the e-mail's
 * acceptance by the SMTP server and to the WhatsApp request reaching the Twilio server. Also
 * the HTTP response time itself.
 *
 * The load runs without a break from the services' first request, but the first `--warmup`
 * seconds (default 20) are reported on their own row: services that have just started (code not
 * yet optimised by V8, connection pools still opening) fall behind for a few seconds, and that is
 * a cold start, not the steady load the goal is about. Both are printed; the goal is judged on
 * the steady part. At the end of the warm-up the tables the pipeline writes are analyzed, as
 * autovacuum would have done by then (analyzeAfterWarmUp in lib/seed.ts).
 *
 *   pnpm bench latency                   # 20 s warm-up, then 100 loans/s for 60 s
 *   pnpm bench latency --smoke           # 10 loans/s for 1 + 5 s: checks the script runs
 *   pnpm bench latency --rate 50 --seconds 30 --warmup 0
 */
import { parseArgs } from 'node:util';
import { atSteadyRate, loanLoad } from './lib/loan-load';
import { type Figure, fmtMs, loadAverage, percentile, printFigures, round, writeResult } from './lib/report';
import { analyzeAfterWarmUp, type Borrowers, seedBorrowers } from './lib/seed';
import { deliveryCheck, startStack } from './lib/stack';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
  },
});
const RATE = Number(args.rate ?? (args.smoke ? 10 : 100));
const SECONDS = Number(args.seconds ?? (args.smoke ? 5 : 60));
const WARMUP_SECONDS = Number(args.warmup ?? (args.smoke ? 1 : 20));
const WARMUP_LOANS = Math.round(RATE * WARMUP_SECONDS);
const LOANS = Math.round(RATE * SECONDS);
const ALL_LOANS = WARMUP_LOANS + LOANS;
const P99_GOAL_MS = 500;

const loadAtStart = loadAverage();
let borrowers: Borrowers | undefined;
const stack = await startStack({
  services: ['attribution-service', 'email-sender', 'whatsapp-sender'],
  beforeServices: async (db) => {
    borrowers = await seedBorrowers(db, ALL_LOANS);
  },
});

try {
  const load = await loanLoad(stack.db, stack.url('attribution-service'), borrowers!, { sockets: 256 });
  // At the end of the warm-up, what autovacuum would have done by then (analyzeAfterWarmUp);
  // the load goes on meanwhile, as it would.
  const [all] = await Promise.all([
    atSteadyRate(load, 0, RATE, WARMUP_SECONDS + SECONDS),
    WARMUP_SECONDS > 0
      ? new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000)).then(() =>
          analyzeAfterWarmUp(stack.db.sql),
        )
      : undefined,
  ]);
  // From the first request sent to the last one sent after the warm-up: the load actually offered.
  const sent = all.slice(WARMUP_LOANS).map((a) => a.sentAt);
  const offeredSeconds = (Math.max(...sent) - Math.min(...sent)) / 1000 + 1 / RATE;
  await stack.smtp.waitFor(ALL_LOANS, 120_000);
  await stack.twilio.waitFor(ALL_LOANS, 120_000);
  load.close();

  /** Each loan's three delays (the e-mail's or WhatsApp's undefined if it never came). */
  const each = all.map((a) => {
    const mail = stack.smtp.acceptedAt.get(borrowers!.emails[a.index]!.toLowerCase());
    const wa = stack.twilio.acceptedAt.get(borrowers!.phones[a.index]!);
    return {
      http: a.respondedAt - a.sentAt,
      toSmtp: mail === undefined ? undefined : mail - a.respondedAt,
      toTwilio: wa === undefined ? undefined : wa - a.respondedAt,
    };
  });
  /** The delays of a stretch of the run, by kind. */
  const delays = (part: typeof each) => {
    const present = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
    return {
      http: part.map((d) => d.http),
      toSmtp: present(part.map((d) => d.toSmtp)),
      toTwilio: present(part.map((d) => d.toTwilio)),
    };
  };
  const { http, toSmtp, toTwilio } = delays(each.slice(WARMUP_LOANS));
  const cold = delays(each.slice(0, WARMUP_LOANS));
  // The worst of each second of the whole run (by when the request was sent, warm-up
  // included): where a tail comes from.
  const start = Math.min(...all.map((a) => a.sentAt));
  const timeline: { second: number; httpMax: number; toSmtpMax: number; toTwilioMax: number }[] = [];
  for (const [i, a] of all.entries()) {
    const second = Math.floor((a.sentAt - start) / 1000);
    const d = each[i]!;
    timeline[second] ??= { second, httpMax: 0, toSmtpMax: 0, toTwilioMax: 0 };
    const worst = timeline[second]!;
    worst.httpMax = Math.max(worst.httpMax, round(d.http));
    worst.toSmtpMax = Math.max(worst.toSmtpMax, round(d.toSmtp ?? 0));
    worst.toTwilioMax = Math.max(worst.toTwilioMax, round(d.toTwilio ?? 0));
  }
  const check = deliveryCheck(stack, borrowers!, ALL_LOANS);
  const stats = (xs: number[]) => ({
    p50: round(percentile(xs, 0.5)),
    p95: round(percentile(xs, 0.95)),
    p99: round(percentile(xs, 0.99)),
    max: round(Math.max(...xs)),
  });
  const result = { http: stats(http), toSmtp: stats(toSmtp), toTwilio: stats(toTwilio) };
  const coldStart =
    WARMUP_LOANS > 0
      ? { http: stats(cold.http), toSmtp: stats(cold.toSmtp), toTwilio: stats(cold.toTwilio) }
      : null;
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
  if (coldStart) {
    row(`first ${WARMUP_SECONDS} s, services just started: HTTP`, coldStart.http, false);
    row(`first ${WARMUP_SECONDS} s, services just started: → SMTP`, coldStart.toSmtp, false);
    row(`first ${WARMUP_SECONDS} s, services just started: → Twilio`, coldStart.toTwilio, false);
  }
  figures.push({
    name: 'offered load',
    value: `${LOANS} loans in ${round(offeredSeconds)} s (${round(LOANS / offeredSeconds)}/s)`,
    goal: `${RATE}/s`,
    met: LOANS / offeredSeconds >= RATE * 0.95,
  });
  figures.push({
    name: 'each message exactly once',
    value: `${check.emails} e-mails, ${check.whatsapp} WhatsApp, ${check.duplicates} duplicates`,
    goal: `${ALL_LOANS} + ${ALL_LOANS}, 0 duplicates`,
    met: check.missing === 0 && check.duplicates === 0,
  });
  printFigures(
    `Latency at ${RATE} loans/s for ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up at the same rate (load ${loadAtStart.join(' ')} → ${loadAverage().join(' ')})`,
    figures,
  );
  const file = writeResult(args.smoke ? 'latency-smoke' : 'latency', {
    rate: RATE,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    loans: LOANS,
    offeredPerSecond: LOANS / offeredSeconds,
    ...result,
    coldStart,
    delivery: check,
    goals: { p99Ms: P99_GOAL_MS },
    loadAverageAtStart: loadAtStart,
    timeline: timeline.filter(Boolean),
  });
  const slowest = timeline
    .filter(Boolean)
    .sort((a, b) => b.toSmtpMax - a.toSmtpMax)
    .slice(0, 5)
    .map(
      (t) =>
        `${t.second} s (e-mail ${fmtMs(t.toSmtpMax)}, WhatsApp ${fmtMs(t.toTwilioMax)}, HTTP ${fmtMs(t.httpMax)})`,
    );
  console.log(`\nslowest seconds of the run, by request sent: ${slowest.join(' · ')}`);
  console.log(`results: ${file}`);
  if (check.missing || check.duplicates) process.exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(process.exitCode ?? 0);
