/**
 * Reminder burst: N reminders fall due in the same minute (one per loan, each loan its own
 * client with e-mail on, one in four also on WhatsApp). Time from the moment they are due until
 * every message has reached the SMTP server and the Twilio server, with reminder-scheduler,
 * email-sender and whatsapp-sender running as their own processes (one replica each). The log
 * already holds 50 000 sent messages of the past month, analyzed, as at a site that has been
 * running: the burst is what 09:00 brings to it.
 *
 *   pnpm bench burst              # 20 000 reminders
 *   pnpm bench burst --full       # 100 000 reminders (the figure; several minutes)
 *   pnpm bench burst --smoke      # 200 reminders: checks the script runs
 *
 * The sweep's own cost at 10k/100k/1M open loans is `pnpm bench sweep` (bench/scheduler-sweep.ts).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Figure, fmtRate, loadAverage, printFigures, round, writeResult } from './lib/report';
import {
  type Borrowers,
  makeRemindersDue,
  seedBorrowers,
  seedOpenLoansWithPlan,
  seedSentHistory,
} from './lib/seed';
import { deliveryCheck, startStack } from './lib/stack';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    reminders: { type: 'string' },
    'whatsapp-every': { type: 'string', default: '4' },
  },
});
const REMINDERS = Number(args.reminders ?? (args.smoke ? 200 : args.full ? 100_000 : 20_000));
const WHATSAPP_EVERY = Number(args['whatsapp-every']);
/** The scheduler's tick; production default 15 s. */
const FIRE_INTERVAL_SECONDS = 5;
const TIMEOUT_MS = Math.max(120_000, REMINDERS * 30);
/** Messages already sent before the burst: a site that has been running (seedSentHistory). */
const HISTORY = args.smoke ? 1_000 : 50_000;

const loadAtStart = loadAverage();
let borrowers: Borrowers | undefined;
const seedStart = performance.now();
const stack = await startStack({
  services: ['reminder-scheduler', 'email-sender', 'whatsapp-sender'],
  serviceEnv: { 'reminder-scheduler': { FIRE_INTERVAL_SECONDS: String(FIRE_INTERVAL_SECONDS) } },
  beforeServices: async (db) => {
    borrowers = await seedBorrowers(db, REMINDERS, { whatsappEvery: WHATSAPP_EVERY });
    await seedSentHistory(db, borrowers.departmentId, HISTORY);
    await seedOpenLoansWithPlan(db, REMINDERS, borrowers);
  },
});
const seedSeconds = (performance.now() - seedStart) / 1000;

try {
  const whatsapp = borrowers!.phones.filter(Boolean).length;
  const messages = REMINDERS + whatsapp;
  // Due a moment from now, all in the same second: the next tick finds every one of them.
  const dueAt = new Date(Date.now() + 2_000);
  await makeRemindersDue(stack.db, REMINDERS, { at: dueAt, onePerLoan: true });
  const dueAtPerf = performance.now() + (dueAt.getTime() - Date.now());
  let firstAt = Number.NaN;
  const deadline = performance.now() + TIMEOUT_MS;
  while (stack.smtp.count + stack.twilio.count < messages) {
    if (Number.isNaN(firstAt) && stack.smtp.count + stack.twilio.count > 0) firstAt = performance.now();
    if (performance.now() > deadline)
      throw new Error(
        `only ${stack.smtp.count + stack.twilio.count} of ${messages} messages after ${TIMEOUT_MS} ms`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - dueAtPerf) / 1000;
  const [fired] = await stack.db.sql<{ n: number; last: Date }[]>`
    select count(*)::int as n, max(fired_at) as last from scheduled_reminders where state = 'fired'`;
  const check = deliveryCheck(stack, borrowers!, REMINDERS);

  const figures: Figure[] = [
    {
      name: 'due → every message at SMTP and Twilio',
      value: `${round(seconds)} s (${fmtRate(messages / seconds)} messages)`,
      goal: `${REMINDERS.toLocaleString('en')} reminders, ${messages.toLocaleString('en')} messages`,
    },
    {
      name: 'due → first message',
      value: `${round((firstAt - dueAtPerf) / 1000, 2)} s`,
      goal: `tick ≤ ${FIRE_INTERVAL_SECONDS} s`,
    },
    {
      name: 'reminders fired',
      value: `${fired?.n ?? 0}`,
      goal: String(REMINDERS),
      met: fired?.n === REMINDERS,
    },
    {
      name: 'each message exactly once',
      value: `${check.emails} e-mails, ${check.whatsapp} WhatsApp, ${check.duplicates} duplicates`,
      goal: `${REMINDERS} + ${whatsapp}, 0 duplicates`,
      met: check.missing === 0 && check.duplicates === 0,
    },
  ];
  printFigures(
    `Reminder burst: ${REMINDERS.toLocaleString('en')} due at once, one replica per service (set up in ${round(seedSeconds)} s; load ${loadAtStart.join(' ')} → ${loadAverage().join(' ')})`,
    figures,
  );
  const file = writeResult(args.smoke ? 'reminder-burst-smoke' : `reminder-burst-${REMINDERS}`, {
    reminders: REMINDERS,
    messages,
    seconds,
    messagesPerSecond: messages / seconds,
    firstMessageSeconds: (firstAt - dueAtPerf) / 1000,
    fireIntervalSeconds: FIRE_INTERVAL_SECONDS,
    delivery: check,
    loadAverageAtStart: loadAtStart,
  });
  console.log(`\nresults: ${file}`);
  if (check.missing || check.duplicates || fired?.n !== REMINDERS) process.exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(process.exitCode ?? 0);
