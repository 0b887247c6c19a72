/**
 * Scenario 8: the scheduler down while time moves on (in-process, with a ManualClock driving the
 * scheduler's own fireDueReminders against a real database and real queues). When it comes
 * back, what it missed fires once, by the catch-up rules:
 * - a pre-due reminder still before its loan's due instant (and less than
 *   MAX_REMINDER_LATENESS late) is sent late;
 * - a pre-due reminder whose loan is already due is recorded skipped `too_late`;
 * - of several missed overdue alerts only the latest is sent, the earlier ones are collapsed
 *   (`too_late`), and the first one's escalation still reaches the managers.
 * Two replicas catch up at once; the idempotency key and SKIP LOCKED keep every row single.
 */
import type { NotificationKind } from '@rappel/contracts';
import { createDbClient, type DbClient, notificationLog, scheduledReminders } from '@rappel/db';
import { DEFAULT_REMINDER_POLICY, ManualClock } from '@rappel/domain';
import { createOutboxPublisher } from '@rappel/outbox';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  waitUntilReady,
} from '@rappel/queue';
import { fireDueReminders } from '@rappel/reminder-scheduler/src/jobs/fire-due-reminders';
import {
  cleanupPrefix,
  createTestDatabase,
  fixtures,
  type TestDatabase,
  testEnv,
  uniqueQueuePrefix,
} from '@rappel/testing';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { report } from '../src/ledger';

const logger = pino({ level: 'silent' });
const policy = DEFAULT_REMINDER_POLICY; // Africa/Libreville, UTC+1 all year
/** Local time on 10 March 2026 (day 0) or a day after, as an instant. */
const at = (time: string, day = 0) =>
  new Date(`2026-03-${String(10 + day).padStart(2, '0')}T${time}:00+01:00`);

let tdb: TestDatabase;
let replica: DbClient;
let redis: Redis;
const prefix = uniqueQueuePrefix('faults-downtime');

beforeAll(async () => {
  tdb = await createTestDatabase();
  replica = createDbClient(tdb.url, { max: 3 });
  redis = createProducerConnection(testEnv.redisUrl);
  await waitUntilReady(redis);
});

afterAll(async () => {
  redis?.disconnect();
  await cleanupPrefix(prefix);
  await replica?.close();
  await tdb?.drop();
});

type Outcome = 'send' | 'too_late';
interface Want {
  loan: string;
  kind: NotificationKind;
  occurrence: string;
  outcome: Outcome;
}

describe('scheduler down for an hour, then for a day, of moved time', () => {
  it('fires what it missed exactly by the catch-up rules', async () => {
    const f = fixtures(tdb.db);
    const { department, manager, staff } = await f.scene();
    const clock = new ManualClock(at('07:00'));
    const queues = createDeliveryQueues({ connection: redis, prefix, onError: () => {} });
    const publisher = createOutboxPublisher({ queues, logger });
    const tick = (db = tdb.db) =>
      fireDueReminders({ db, publisher, clock, logger, batchSize: 500, maxLatenessMinutes: 360 });

    // Loans planned at 07:00 on day 0, one borrower each.
    const loan = async (name: string, startsAt: Date, dueAt: Date) => {
      const client = await f.client(department.id, { fullName: name });
      const item = await f.item(department.id);
      const { loan } = await f.loanWithPlan({
        departmentId: department.id,
        itemId: item.id,
        responsibleUserId: staff.id,
        clientId: client.id,
        startsAt,
        dueAt,
        now: clock.now(),
        policy,
      });
      return loan.id;
    };
    const ids = {
      /** long, due 08:30: its 08:00 due-day reminder is only caught up after the due time. */
      longDue0830: await loan('Long 08:30', at('07:00', -3), at('08:30')),
      /** long, due 12:00: its 08:00 due-day reminder is caught up 45 min late. */
      longDue1200: await loan('Long 12:00', at('07:00', -3), at('12:00')),
      /** medium, due 10:00: reminder_2h at 08:00. */
      mediumDue1000: await loan('Medium 10:00', at('05:00'), at('10:00')),
      /** short, due 08:10: first overdue alert at 08:40. */
      shortDue0810: await loan('Short 08:10', at('07:00'), at('08:10')),
      /** short, due 09:20: first overdue alert at 09:50, missed during the day-long downtime. */
      shortDue0920: await loan('Short 09:20', at('07:00'), at('09:20')),
      /** medium, due 13:00: reminder_2h at 11:00 and first alert at 13:30, both missed. */
      mediumDue1300: await loan('Medium 13:00', at('08:00'), at('13:00')),
    };

    // The scheduler ticks at 07:45, then is down for an hour. Two replicas catch up at 08:45.
    clock.set(at('07:45'));
    expect((await tick()).claimed).toBe(0);
    clock.set(at('08:45'));
    const [a, b] = await Promise.all([tick(), tick(replica.db)]);
    expect(a.claimed + b.claimed).toBe(4);
    // Up again: the 09:00 alert fires on time; then down from 09:05 until 10:30 the next day.
    clock.set(at('09:00'));
    await tick();
    clock.set(at('10:30', 1));
    await Promise.all([tick(), tick(replica.db)]);

    const want: Want[] = [
      // After the hour down (07:45 → 08:45).
      { loan: 'longDue0830', kind: 'reminder_due_day', occurrence: 'v1', outcome: 'too_late' },
      { loan: 'longDue1200', kind: 'reminder_due_day', occurrence: 'v1', outcome: 'send' },
      { loan: 'mediumDue1000', kind: 'reminder_2h', occurrence: 'v1', outcome: 'send' },
      { loan: 'shortDue0810', kind: 'overdue', occurrence: 'v1#1', outcome: 'send' },
      { loan: 'shortDue0810', kind: 'overdue_escalation', occurrence: 'v1#1', outcome: 'send' },
      // On time at 09:00.
      { loan: 'longDue0830', kind: 'overdue', occurrence: 'v1#1', outcome: 'send' },
      { loan: 'longDue0830', kind: 'overdue_escalation', occurrence: 'v1#1', outcome: 'send' },
      // After the day down (09:05 → 10:30 the next day): one alert each, the missed first ones
      // collapsed, their escalations sent; the 10:00 alerts of the loans already alerted go out.
      { loan: 'longDue0830', kind: 'overdue', occurrence: 'v1#2', outcome: 'send' },
      { loan: 'shortDue0810', kind: 'overdue', occurrence: 'v1#2', outcome: 'send' },
      ...(['longDue1200', 'mediumDue1000', 'shortDue0920', 'mediumDue1300'] as const).flatMap((l) => [
        { loan: l, kind: 'overdue' as const, occurrence: 'v1#1', outcome: 'too_late' as const },
        { loan: l, kind: 'overdue_escalation' as const, occurrence: 'v1#1', outcome: 'send' as const },
        { loan: l, kind: 'overdue' as const, occurrence: 'v1#2', outcome: 'send' as const },
      ]),
      { loan: 'mediumDue1300', kind: 'reminder_2h', occurrence: 'v1', outcome: 'too_late' },
    ];

    const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const rows = await tdb.db.select().from(notificationLog).where(eq(notificationLog.channel, 'email'));
    const got = rows.map((r) => ({
      loan: nameOf.get(r.loanId!) ?? '?',
      kind: r.kind,
      occurrence: r.occurrence,
      outcome:
        r.status === 'pending'
          ? 'send'
          : r.skipReason === 'too_late'
            ? 'too_late'
            : `${r.status}:${r.skipReason}`,
      recipient: r.recipientAddress,
    }));
    const key = (w: { loan: string; kind: string; occurrence: string }) =>
      `${w.loan} ${w.kind} ${w.occurrence}`;
    const sortByKey = <T extends { loan: string; kind: string; occurrence: string }>(list: T[]) =>
      [...list].sort((x, y) => key(x).localeCompare(key(y)));
    expect(sortByKey(got.map(({ recipient: _, ...g }) => g))).toEqual(sortByKey(want));
    // Escalations went to the department's manager, the rest to the borrowers.
    for (const g of got) {
      if (g.kind === 'overdue_escalation') expect(g.recipient).toBe(manager.email);
      else expect(g.recipient).not.toBe(manager.email);
    }
    // The plan: every reminder that was due is fired, none twice; later alerts still scheduled.
    const plan = await tdb.db.select().from(scheduledReminders);
    const due = plan.filter((r) => r.fireAt <= clock.now());
    expect(due.every((r) => r.state === 'fired')).toBe(true);
    expect(plan.filter((r) => r.fireAt > clock.now()).every((r) => r.state === 'scheduled')).toBe(true);

    const toSend = want.filter((w) => w.outcome === 'send');
    const sent = got.filter((g) => g.outcome === 'send');
    const distinct = new Set(sent.map(key));
    report(
      '8 scheduler-downtime',
      {
        expected: toSend.length,
        delivered: toSend.filter((w) => distinct.has(key(w))).length,
        duplicates: sent.length - distinct.size,
        lost: toSend.filter((w) => !distinct.has(key(w))).length,
        unexpected: [...distinct].filter((k) => !toSend.some((w) => key(w) === k)).length,
      },
      {
        tooLate: got.filter((g) => g.outcome === 'too_late').length,
      },
    );
    await closeDeliveryQueues(queues);
  });
});
