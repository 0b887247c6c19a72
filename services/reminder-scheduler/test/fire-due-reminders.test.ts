import { loans, notificationLog, scheduledReminders } from '@rappel/db';
import { DEFAULT_REMINDER_POLICY, localDateOf, planReminders, type ReminderPolicy } from '@rappel/domain';
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { fireDueReminders } from '../src/jobs/fire-due-reminders';
import { createHarness, type Harness, policyIn, sceneWithLoan, silentLogger } from './harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const at = (iso: string) => new Date(iso);
const wall = (d: Date, zone: string) =>
  d.toLocaleString('sv-SE', { timeZone: zone, hour12: false }).slice(0, 16);

/** Steps the clock to each reminder of the loan in turn and fires; returns what each step made. */
async function walkPlan(h: Harness, loanId: string) {
  const steps = [];
  for (const r of await h.remindersOf(loanId)) {
    h.clock.set(new Date(r.fireAt.getTime() - 1000));
    expect((await h.fire()).claimed, `${r.kind}#${r.occurrence} must not fire early`).toBe(0);
    h.clock.set(r.fireAt);
    const summary = await h.fire();
    steps.push({ kind: r.kind, occurrence: r.occurrence, fireAt: r.fireAt, summary });
  }
  return steps;
}

describe('fireDueReminders: the policy table', () => {
  const cases: {
    name: string;
    startsAt: string;
    dueAt: string;
    kinds: string[];
    firstWall: string[];
  }[] = [
    {
      name: 'short (≤ 4 h): no reminder before due, first alert at due + 30 min',
      startsAt: '2026-12-01T08:00:00Z',
      dueAt: '2026-12-01T11:00:00Z',
      kinds: ['overdue'],
      firstWall: ['2026-12-01 12:30'],
    },
    {
      name: 'medium (≤ 24 h): reminder_2h at due − 2 h, then overdue',
      startsAt: '2026-12-01T08:00:00Z',
      dueAt: '2026-12-02T06:00:00Z',
      kinds: ['reminder_2h', 'overdue'],
      firstWall: ['2026-12-02 05:00', '2026-12-02 07:30'],
    },
    {
      name: 'long (> 24 h): D-2 09:00, D-1 09:00, due day 08:00, then overdue',
      startsAt: '2026-12-01T08:00:00Z',
      dueAt: '2026-12-05T09:00:00Z',
      kinds: ['reminder_d2', 'reminder_d1', 'reminder_due_day', 'overdue'],
      firstWall: ['2026-12-03 09:00', '2026-12-04 09:00', '2026-12-05 08:00', '2026-12-05 10:30'],
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      h = await createHarness(c.startsAt);
      const s = await sceneWithLoan(h, { startsAt: c.startsAt, dueAt: c.dueAt });
      const steps = await walkPlan(h, s.loan.id);

      const zone = DEFAULT_REMINDER_POLICY.zone;
      const distinct = [...new Set(steps.map((x) => x.kind))];
      expect(distinct).toEqual(c.kinds);
      expect(distinct.map((k) => wall(steps.find((x) => x.kind === k)!.fireAt, zone))).toEqual(c.firstWall);
      for (const step of steps) expect(step.summary).toMatchObject({ claimed: 1, fired: 1, tooLate: 0 });

      // Overdue: 7 alerts, the later ones daily at 10:00 site time.
      const overdue = steps.filter((x) => x.kind === 'overdue');
      expect(overdue.map((x) => x.occurrence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      for (const o of overdue.slice(1)) expect(wall(o.fireAt, zone).slice(11)).toBe('10:00');

      const rows = await h.rowsOf(s.loan.id);
      const borrowerEmail = rows.filter((r) => r.recipientId === s.client.id && r.channel === 'email');
      expect(borrowerEmail.map((r) => [r.kind, r.occurrence, r.status])).toEqual(
        steps.map((x) => [x.kind, x.kind === 'overdue' ? `v1#${x.occurrence}` : 'v1', 'pending']),
      );
      for (const r of borrowerEmail) {
        expect(r.recipientAddress).toBe(s.client.email);
        const job = await h.queues.email.getJob(r.id);
        expect(job?.name).toBe(r.kind);
        expect(job?.data).toEqual({ notificationId: r.id });
      }
      // WhatsApp is off by default: recorded, not sent.
      const whatsapp = rows.filter((r) => r.channel === 'whatsapp');
      expect(whatsapp.every((r) => r.status === 'skipped' && r.skipReason === 'channel_off')).toBe(true);
      expect(await h.queues.whatsapp.count()).toBe(0);

      // Escalation to the department's manager on the first overdue alert only.
      const escalations = rows.filter((r) => r.kind === 'overdue_escalation');
      expect(escalations.map((r) => [r.recipientId, r.channel, r.occurrence, r.status])).toEqual([
        [s.manager.id, 'email', 'v1#1', 'pending'],
      ]);
      expect((await h.remindersOf(s.loan.id)).every((r) => r.state === 'fired')).toBe(true);
      // Nothing left: a further sweep much later claims nothing.
      h.clock.set('2027-01-31T00:00:00Z');
      expect((await h.fire()).claimed).toBe(0);
    });
  }

  it('a loan created at 08:30 on its D-2 day still gets the 09:00 D-2 reminder; one created at 09:30 does not', async () => {
    h = await createHarness('2026-12-03T07:30:00Z');
    const early = await sceneWithLoan(h, { startsAt: '2026-12-03T07:30:00Z', dueAt: '2026-12-05T09:00:00Z' });
    const late = await sceneWithLoan(h, { startsAt: '2026-12-03T08:30:00Z', dueAt: '2026-12-05T09:00:00Z' });
    h.clock.set('2026-12-03T08:00:00Z');
    expect(await h.fire()).toMatchObject({ claimed: 1, fired: 1 });
    const kinds = async (loanId: string) =>
      (await h.rowsOf(loanId)).filter((r) => r.channel === 'email').map((r) => r.kind);
    expect(await kinds(early.loan.id)).toEqual(['reminder_d2']);
    expect(await kinds(late.loan.id)).toEqual([]);
    h.clock.set('2026-12-04T08:00:00Z');
    await h.fire();
    expect(await kinds(late.loan.id)).toEqual(['reminder_d1']);
  });

  it('follows daylight-saving changes in Europe/Paris', async () => {
    const policy: ReminderPolicy = policyIn('Europe/Paris');
    h = await createHarness('2026-03-25T09:00:00Z');
    // Clocks go forward on 2026-03-29 and back on 2026-10-25.
    const spring = await sceneWithLoan(h, {
      startsAt: '2026-03-25T09:00:00Z',
      dueAt: '2026-03-30T08:00:00Z',
      policy,
    });
    const autumn = await sceneWithLoan(h, {
      startsAt: '2026-10-20T08:00:00Z',
      dueAt: '2026-10-23T08:00:00Z',
      policy,
    });
    const fireAts = async (loanId: string) =>
      (await h.remindersOf(loanId)).map((r) => `${r.kind}#${r.occurrence}@${r.fireAt.toISOString()}`);
    expect((await fireAts(spring.loan.id)).slice(0, 3)).toEqual([
      'reminder_d2#1@2026-03-28T08:00:00.000Z', // 09:00 CET
      'reminder_d1#1@2026-03-29T07:00:00.000Z', // 09:00 CEST
      'reminder_due_day#1@2026-03-30T06:00:00.000Z', // 08:00 CEST
    ]);
    expect((await fireAts(autumn.loan.id)).slice(3, 6)).toEqual([
      'overdue#1@2026-10-23T08:30:00.000Z',
      'overdue#2@2026-10-24T08:00:00.000Z', // 10:00 CEST
      'overdue#3@2026-10-25T09:00:00.000Z', // 10:00 CET
    ]);
    // One hour before the CEST instant (where a UTC or fixed-offset bug would fire), nothing.
    h.clock.set('2026-03-29T06:59:59Z');
    await h.fire();
    h.clock.set('2026-03-29T07:00:00Z');
    const before = (await h.rowsOf(spring.loan.id)).filter((r) => r.kind === 'reminder_d1');
    expect(before).toEqual([]);
    await h.fire();
    const d1 = (await h.rowsOf(spring.loan.id)).find(
      (r) => r.kind === 'reminder_d1' && r.channel === 'email',
    );
    expect(d1?.status).toBe('pending');
    expect(localDateOf(d1!.scheduledAt, 'Europe/Paris')).toBe('2026-03-29');
    h.clock.set('2026-10-25T08:59:59Z');
    await h.fire();
    expect(
      (await h.rowsOf(autumn.loan.id)).filter((r) => r.occurrence === 'v1#3' && r.kind === 'overdue'),
    ).toEqual([]);
    h.clock.set('2026-10-25T09:00:00Z');
    await h.fire();
    expect(
      (await h.rowsOf(autumn.loan.id)).filter((r) => r.occurrence === 'v1#3' && r.kind === 'overdue'),
    ).toHaveLength(2);
  });
});

describe('fireDueReminders: the loan as it is when the reminder fires', () => {
  it('a due date changed twice: only the last plan fires', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-05T09:00:00Z' });
    const replan = async (version: number, dueAt: string, now: string, cancelOld: boolean) => {
      await h.tdb.db.transaction(async (tx) => {
        await tx
          .update(loans)
          .set({ version, dueAt: at(dueAt) })
          .where(eq(loans.id, s.loan.id));
        if (cancelOld) {
          await tx
            .update(scheduledReminders)
            .set({ state: 'cancelled' })
            .where(and(eq(scheduledReminders.loanId, s.loan.id), eq(scheduledReminders.state, 'scheduled')));
        }
        const plan = planReminders(
          { startsAt: s.loan.startsAt, dueAt: at(dueAt), now: at(now) },
          DEFAULT_REMINDER_POLICY,
        );
        await tx
          .insert(scheduledReminders)
          .values(plan.map((r) => ({ loanId: s.loan.id, loanVersion: version, ...r })));
      });
    };
    await replan(2, '2026-12-08T09:00:00Z', '2026-12-02T08:00:00Z', true);
    // The second change "forgets" to cancel version 2's plan: the version check still stops it.
    await replan(3, '2026-12-10T09:00:00Z', '2026-12-02T09:00:00Z', false);

    h.clock.set('2026-12-31T00:00:00Z');
    // 30 days late: every pre-due reminder is too late; only the overdue of plan 3 go.
    const summary = await h.fire({ maxLatenessMinutes: 60 * 24 * 60 });
    const rows = await h.rowsOf(s.loan.id);
    expect(new Set(rows.map((r) => r.occurrence.split('#')[0]))).toEqual(new Set(['v3']));
    const v2 = (await h.remindersOf(s.loan.id)).filter((r) => r.loanVersion === 2);
    expect(v2.every((r) => r.state === 'cancelled')).toBe(true);
    expect(summary.cancelled).toBe(v2.length);
  });

  it('walks plan 3 on time after two changes: each of its reminders fires, nothing of plans 1 and 2', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-05T09:00:00Z' });
    for (const [version, dueAt] of [
      [2, '2026-12-08T09:00:00Z'],
      [3, '2026-12-10T09:00:00Z'],
    ] as const) {
      await h.tdb.db.transaction(async (tx) => {
        await tx
          .update(loans)
          .set({ version, dueAt: at(dueAt) })
          .where(eq(loans.id, s.loan.id));
        await tx
          .update(scheduledReminders)
          .set({ state: 'cancelled' })
          .where(and(eq(scheduledReminders.loanId, s.loan.id), eq(scheduledReminders.state, 'scheduled')));
        const plan = planReminders(
          { startsAt: s.loan.startsAt, dueAt: at(dueAt), now: at('2026-12-02T08:00:00Z') },
          DEFAULT_REMINDER_POLICY,
        );
        await tx
          .insert(scheduledReminders)
          .values(plan.map((r) => ({ loanId: s.loan.id, loanVersion: version, ...r })));
      });
    }
    const steps = await walkPlan(h, s.loan.id);
    expect(steps.map((x) => x.kind).slice(0, 4)).toEqual([
      'reminder_d2',
      'reminder_d1',
      'reminder_due_day',
      'overdue',
    ]);
    const emails = (await h.rowsOf(s.loan.id)).filter(
      (r) => r.channel === 'email' && r.recipientId === s.client.id,
    );
    expect(emails).toHaveLength(10);
    expect(emails.every((r) => r.occurrence.startsWith('v3'))).toBe(true);
    expect(emails[0]!.scheduledAt.toISOString()).toBe('2026-12-08T08:00:00.000Z');
  });

  it('a return one second before a reminder fires: recorded skipped, nothing published', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-05T09:00:00Z' });
    const [d2] = await h.remindersOf(s.loan.id);
    await h.tdb.db
      .update(loans)
      .set({ returnedAt: new Date(d2!.fireAt.getTime() - 1000) })
      .where(eq(loans.id, s.loan.id));
    h.clock.set(d2!.fireAt);
    expect(await h.fire()).toMatchObject({ claimed: 1, fired: 0, cancelled: 1, published: 0 });
    const rows = await h.rowsOf(s.loan.id);
    expect(rows.map((r) => [r.kind, r.channel, r.status, r.skipReason])).toEqual([
      ['reminder_d2', 'email', 'skipped', 'returned'],
      ['reminder_d2', 'whatsapp', 'skipped', 'returned'],
    ]);
    expect(await h.queues.email.count()).toBe(0);
    expect((await h.remindersOf(s.loan.id))[0]!.state).toBe('cancelled');
  });

  it('a cancelled loan: reminder cancelled, rows skipped (cancelled)', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-01T10:00:00Z' });
    await h.tdb.db
      .update(loans)
      .set({ cancelledAt: at('2026-12-01T09:00:00Z') })
      .where(eq(loans.id, s.loan.id));
    h.clock.set('2026-12-01T10:30:00Z');
    expect(await h.fire()).toMatchObject({ claimed: 1, cancelled: 1, published: 0 });
    const rows = await h.rowsOf(s.loan.id);
    expect(rows.map((r) => r.skipReason)).toEqual(['cancelled', 'cancelled']);
    // No escalation for a loan that is not late any more.
    expect(rows.some((r) => r.kind === 'overdue_escalation')).toBe(false);
  });

  it('preferences changed after the loan was made: the new ones apply', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-05T09:00:00Z' });
    await h.f.preferences(
      { clientId: s.client.id },
      {
        emailEnabled: false,
        whatsappEnabled: true,
        whatsappNumber: '+24106999999',
        whatsappConsentSource: 'desk',
        whatsappConsentAt: at('2026-12-02T08:00:00Z'),
      },
    );
    h.clock.set('2026-12-03T08:00:00Z');
    await h.fire();
    const rows = await h.rowsOf(s.loan.id);
    expect(rows.map((r) => [r.channel, r.status, r.skipReason, r.recipientAddress])).toEqual([
      ['email', 'skipped', 'channel_off', s.client.email],
      ['whatsapp', 'pending', null, '+24106999999'],
    ]);
    const wa = rows.find((r) => r.channel === 'whatsapp')!;
    expect((await h.queues.whatsapp.getJob(wa.id))?.data).toEqual({ notificationId: wa.id });
    expect(await h.queues.email.count()).toBe(0);
  });

  it('a reminder toggled off is recorded skipped (toggle_off); the others still go', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const s = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-05T09:00:00Z' });
    await h.f.preferences({ clientId: s.client.id }, { reminderD1: false });
    h.clock.set('2026-12-03T08:00:00Z');
    await h.fire();
    h.clock.set('2026-12-04T08:00:00Z');
    await h.fire();
    const rows = await h.rowsOf(s.loan.id);
    expect(rows.filter((r) => r.kind === 'reminder_d2').map((r) => [r.channel, r.status])).toEqual([
      ['email', 'pending'],
      ['whatsapp', 'skipped'],
    ]);
    expect(
      rows.filter((r) => r.kind === 'reminder_d1').map((r) => [r.channel, r.status, r.skipReason]),
    ).toEqual([
      ['email', 'skipped', 'toggle_off'],
      ['whatsapp', 'skipped', 'channel_off'],
    ]);
  });

  it('a room loan reminds the responsible staff member', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const scene = await h.f.scene();
    const room = await h.f.room(scene.department.id);
    const { loan } = await h.f.loanWithPlan({
      departmentId: scene.department.id,
      itemId: scene.item.id,
      responsibleUserId: scene.staff.id,
      roomId: room.id,
      startsAt: at('2026-12-01T08:00:00Z'),
      dueAt: at('2026-12-01T16:00:00Z'),
    });
    h.clock.set('2026-12-01T14:00:00Z');
    await h.fire();
    const [email] = await h.rowsOf(loan.id);
    expect([email?.kind, email?.recipientType, email?.recipientId, email?.status]).toEqual([
      'reminder_2h',
      'user',
      scene.staff.id,
      'pending',
    ]);
  });
});

describe('fireDueReminders: catch-up after downtime', () => {
  it('fires what was missed, but a pre-due reminder more than 6 h late or past due is too_late', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const onTime = await sceneWithLoan(h, {
      startsAt: '2026-12-01T08:00:00Z',
      dueAt: '2026-12-05T09:00:00Z',
    });
    const stale = await sceneWithLoan(h, { startsAt: '2026-12-01T08:00:00Z', dueAt: '2026-12-04T20:00:00Z' });
    // stale's D-2 was 2026-12-02T08:00Z, its D-1 2026-12-03T08:00Z; onTime's D-2 2026-12-03T08:00Z.
    h.clock.set('2026-12-03T13:00:00Z'); // down since before all three
    const summary = await h.fire();
    expect(summary).toMatchObject({ claimed: 3, fired: 3, tooLate: 1 });
    const status = async (loanId: string, kind: string) =>
      (await h.rowsOf(loanId))
        .filter((r) => r.kind === kind && r.channel === 'email')
        .map((r) => [r.status, r.skipReason]);
    expect(await status(onTime.loan.id, 'reminder_d2')).toEqual([['pending', null]]);
    expect(await status(stale.loan.id, 'reminder_d2')).toEqual([['skipped', 'too_late']]);
    expect(await status(stale.loan.id, 'reminder_d1')).toEqual([['pending', null]]); // 5 h late

    // Down again until after onTime is due and two overdue alerts are due: pre-due too late,
    // the first overdue alert collapses into the second, managers are still told.
    h.clock.set('2026-12-06T09:30:00Z');
    await h.fire();
    expect(await status(onTime.loan.id, 'reminder_d1')).toEqual([['skipped', 'too_late']]);
    expect(await status(onTime.loan.id, 'reminder_due_day')).toEqual([['skipped', 'too_late']]);
    const overdue = (await h.rowsOf(onTime.loan.id)).filter(
      (r) => r.channel === 'email' && (r.kind === 'overdue' || r.kind === 'overdue_escalation'),
    );
    expect(overdue.map((r) => [r.kind, r.occurrence, r.status, r.skipReason])).toEqual([
      ['overdue', 'v1#1', 'skipped', 'too_late'],
      ['overdue_escalation', 'v1#1', 'pending', null],
      ['overdue', 'v1#2', 'pending', null],
    ]);
  });
});

describe('fireDueReminders: replicas', () => {
  it('two sweeps at once on the same due set fire each reminder once, with no duplicate row', async () => {
    h = await createHarness('2026-12-01T08:00:00Z');
    const scene = await h.f.scene();
    const loanIds: string[] = [];
    for (let i = 0; i < 60; i++) {
      const item = await h.f.item(scene.department.id);
      const { loan } = await h.f.loanWithPlan({
        departmentId: scene.department.id,
        itemId: item.id,
        responsibleUserId: scene.staff.id,
        clientId: scene.client.id,
        startsAt: at('2026-12-01T08:00:00Z'),
        dueAt: at('2026-12-01T20:00:00Z'),
      });
      loanIds.push(loan.id);
    }
    h.clock.set('2026-12-01T18:00:00Z'); // every loan's reminder_2h
    const [a, b] = await Promise.all(
      [h.extraClient(), h.extraClient()].map((c) =>
        fireDueReminders({
          db: c.db,
          publisher: h.publisher,
          clock: h.clock,
          logger: silentLogger,
          batchSize: 7,
          maxLatenessMinutes: 360,
        }),
      ),
    );
    expect(a!.claimed + b!.claimed).toBe(60);
    expect(a!.fired + b!.fired).toBe(60);
    const [counts] = await h.tdb.db
      .select({
        rows: sql<number>`count(*)::int`,
        keys: sql<number>`count(distinct ${notificationLog.idempotencyKey})::int`,
        reminders: sql<number>`count(distinct ${notificationLog.reminderId})::int`,
      })
      .from(notificationLog);
    expect(counts).toEqual({ rows: 120, keys: 120, reminders: 60 });
    expect(await h.queues.email.count()).toBe(60);
    const fired = await h.tdb.db
      .select({ n: sql<number>`count(*)::int` })
      .from(scheduledReminders)
      .where(and(eq(scheduledReminders.kind, 'reminder_2h'), eq(scheduledReminders.state, 'fired')));
    expect(fired[0]?.n).toBe(60);
  });
});
