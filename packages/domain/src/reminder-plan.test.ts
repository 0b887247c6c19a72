import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { overdueAlerts, type PlannedReminder, planReminders } from './reminder-plan';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from './reminder-policy';

const LIBREVILLE = DEFAULT_REMINDER_POLICY; // Africa/Libreville, UTC+1 all year, no daylight saving
const PARIS: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, zone: 'Europe/Paris' };

/** Each reminder as [kind, occurrence, local time with its offset], e.g. '2026-12-02T09:00+01:00'. */
const rows = (plan: PlannedReminder[], zone: string) =>
  plan.map((r) => [
    r.kind,
    r.occurrence,
    DateTime.fromJSDate(r.fireAt, { zone }).toISO({ suppressSeconds: true, suppressMilliseconds: true }),
  ]);

/** Plan a loan given as ISO strings with offsets; `now` defaults to the start. */
function plan(
  startsAt: string,
  dueAt: string,
  options: { now?: string; policy?: ReminderPolicy } = {},
): PlannedReminder[] {
  const policy = options.policy ?? LIBREVILLE;
  return planReminders(
    { startsAt: new Date(startsAt), dueAt: new Date(dueAt), now: new Date(options.now ?? startsAt) },
    policy,
  );
}

const planRows = (startsAt: string, dueAt: string, options: { now?: string; policy?: ReminderPolicy } = {}) =>
  rows(plan(startsAt, dueAt, options), (options.policy ?? LIBREVILLE).zone);

const preDueKinds = (p: PlannedReminder[]) => p.filter((r) => r.kind !== 'overdue').map((r) => r.kind);

/** The six daily alerts after a first one on `firstDay` (YYYY-MM-DD, Libreville). */
const dailyAlertsAfter = (firstDay: string) =>
  [2, 3, 4, 5, 6, 7].map((n) => [
    'overdue',
    n,
    DateTime.fromISO(`${firstDay}T10:00`, { zone: LIBREVILLE.zone })
      .plus({ days: n - 1 })
      .toISO({ suppressSeconds: true, suppressMilliseconds: true }),
  ]);

describe('planReminders: the policy table (Africa/Libreville)', () => {
  it('short loan: no reminder before due, first overdue alert at due + 30 min, then daily at 10:00', () => {
    expect(planRows('2026-12-01T10:00+01:00', '2026-12-01T13:00+01:00')).toEqual([
      ['overdue', 1, '2026-12-01T13:30+01:00'],
      ...dailyAlertsAfter('2026-12-01'),
    ]);
  });

  it('medium loan: reminder_2h at due − 2 h', () => {
    expect(planRows('2026-12-01T08:00+01:00', '2026-12-01T20:00+01:00')).toEqual([
      ['reminder_2h', 1, '2026-12-01T18:00+01:00'],
      ['overdue', 1, '2026-12-01T20:30+01:00'],
      ...dailyAlertsAfter('2026-12-01'),
    ]);
  });

  it('long loan: D-2 09:00, D-1 09:00, due day 08:00, all local', () => {
    expect(planRows('2026-12-01T08:00+01:00', '2026-12-04T10:00+01:00')).toEqual([
      ['reminder_d2', 1, '2026-12-02T09:00+01:00'],
      ['reminder_d1', 1, '2026-12-03T09:00+01:00'],
      ['reminder_due_day', 1, '2026-12-04T08:00+01:00'],
      ['overdue', 1, '2026-12-04T10:30+01:00'],
      ...dailyAlertsAfter('2026-12-04'),
    ]);
  });

  it('a long loan gets no reminder_2h, a medium loan no D-x reminders', () => {
    expect(preDueKinds(plan('2026-12-01T08:00+01:00', '2026-12-10T18:00+01:00'))).toEqual([
      'reminder_d2',
      'reminder_d1',
      'reminder_due_day',
    ]);
    expect(preDueKinds(plan('2026-12-01T06:00+01:00', '2026-12-02T06:00+01:00'))).toEqual(['reminder_2h']);
  });
});

describe('planReminders: class boundaries', () => {
  const start = '2026-12-01T10:00:00.000+01:00';
  it('exactly 4 h is short: no reminder before due', () => {
    expect(preDueKinds(plan(start, '2026-12-01T14:00:00.000+01:00'))).toEqual([]);
  });
  it('4 h + 1 ms is medium: reminder_2h', () => {
    expect(planRows(start, '2026-12-01T14:00:00.001+01:00').slice(0, 1)).toEqual([
      ['reminder_2h', 1, '2026-12-01T12:00:00.001+01:00'],
    ]);
  });
  it('exactly 24 h is medium: reminder_2h only', () => {
    expect(planRows(start, '2026-12-02T10:00:00.000+01:00').slice(0, 1)).toEqual([
      ['reminder_2h', 1, '2026-12-02T08:00+01:00'],
    ]);
  });
  it('24 h + 1 ms is long: D-2 and D-1 fall before the start, the due-day reminder stays', () => {
    expect(preDueKinds(plan(start, '2026-12-02T10:00:00.001+01:00'))).toEqual(['reminder_due_day']);
  });
});

describe('planReminders: edges and lessons from the old system', () => {
  it('a loan made at 09:30 on its D-2 day loses D-2 only, keeps D-1 and the due-day reminder', () => {
    expect(planRows('2026-12-02T09:30+01:00', '2026-12-04T10:00+01:00').slice(0, 2)).toEqual([
      ['reminder_d1', 1, '2026-12-03T09:00+01:00'],
      ['reminder_due_day', 1, '2026-12-04T08:00+01:00'],
    ]);
  });

  it('a loan made at 08:30 on its D-2 day still gets D-2 (the old system lost every loan after 08:00)', () => {
    expect(preDueKinds(plan('2026-12-02T08:30+01:00', '2026-12-04T10:00+01:00'))).toEqual([
      'reminder_d2',
      'reminder_d1',
      'reminder_due_day',
    ]);
  });

  it('a reminder at the very instant the loan starts is left out (pre-due reminders are strictly after it)', () => {
    expect(preDueKinds(plan('2026-12-02T09:00+01:00', '2026-12-04T10:00+01:00'))).toEqual([
      'reminder_d1',
      'reminder_due_day',
    ]);
  });

  it('a long loan due at 07:00 has no due-day reminder (08:00 would be after due)', () => {
    expect(planRows('2026-12-01T08:00+01:00', '2026-12-04T07:00+01:00').slice(0, 3)).toEqual([
      ['reminder_d2', 1, '2026-12-02T09:00+01:00'],
      ['reminder_d1', 1, '2026-12-03T09:00+01:00'],
      ['overdue', 1, '2026-12-04T07:30+01:00'],
    ]);
  });

  it('a long loan due at exactly 08:00 has no due-day reminder; due at 08:01 it has one', () => {
    expect(preDueKinds(plan('2026-12-01T08:00+01:00', '2026-12-04T08:00+01:00'))).not.toContain(
      'reminder_due_day',
    );
    expect(planRows('2026-12-01T08:00+01:00', '2026-12-04T08:01+01:00')[2]).toEqual([
      'reminder_due_day',
      1,
      '2026-12-04T08:00+01:00',
    ]);
  });

  it('works out the local day in the site zone, not UTC (due 00:30 local is the previous day in UTC)', () => {
    expect(planRows('2026-12-01T08:00+01:00', '2026-12-04T00:30+01:00').slice(0, 3)).toEqual([
      ['reminder_d2', 1, '2026-12-02T09:00+01:00'],
      ['reminder_d1', 1, '2026-12-03T09:00+01:00'],
      ['overdue', 1, '2026-12-04T01:00+01:00'],
    ]);
  });

  it('a medium loan over midnight: reminder_2h in the small hours of the next day', () => {
    expect(planRows('2026-12-01T20:00+01:00', '2026-12-02T06:00+01:00').slice(0, 2)).toEqual([
      ['reminder_2h', 1, '2026-12-02T04:00+01:00'],
      ['overdue', 1, '2026-12-02T06:30+01:00'],
    ]);
  });

  it('a short loan over midnight: alert 2 is at 10:00 the local day after alert 1', () => {
    expect(planRows('2026-12-01T22:30+01:00', '2026-12-02T01:30+01:00')).toEqual([
      ['overdue', 1, '2026-12-02T02:00+01:00'],
      ...dailyAlertsAfter('2026-12-02'),
    ]);
  });

  it('a first alert pushed past midnight by the 30 minutes starts the daily alerts a day later', () => {
    expect(planRows('2026-12-01T20:00+01:00', '2026-12-01T23:45+01:00')).toEqual([
      ['overdue', 1, '2026-12-02T00:15+01:00'],
      ...dailyAlertsAfter('2026-12-02'),
    ]);
  });

  it('a first alert before 10:00 is not followed by another at 10:00 the same day', () => {
    expect(planRows('2026-12-01T05:00+01:00', '2026-12-01T08:00+01:00').slice(0, 2)).toEqual([
      ['overdue', 1, '2026-12-01T08:30+01:00'],
      ['overdue', 2, '2026-12-02T10:00+01:00'],
    ]);
  });
});

describe('planReminders: reminders already past when the plan is made are left out', () => {
  const start = '2026-12-01T08:00+01:00';
  const due = '2026-12-04T10:00+01:00';

  it('plan made after D-2 fired (e.g. a due-date change): D-2 left out, the rest kept', () => {
    expect(preDueKinds(plan(start, due, { now: '2026-12-02T12:00+01:00' }))).toEqual([
      'reminder_d1',
      'reminder_due_day',
    ]);
  });

  it('a reminder falling exactly at `now` is kept', () => {
    expect(preDueKinds(plan(start, due, { now: '2026-12-03T09:00+01:00' }))).toEqual([
      'reminder_d1',
      'reminder_due_day',
    ]);
  });

  it('due time before now: no pre-due reminder, past overdue alerts left out, the rest keep their numbers', () => {
    expect(planRows(start, due, { now: '2026-12-05T12:00+01:00' })).toEqual([
      ['overdue', 3, '2026-12-06T10:00+01:00'],
      ['overdue', 4, '2026-12-07T10:00+01:00'],
      ['overdue', 5, '2026-12-08T10:00+01:00'],
      ['overdue', 6, '2026-12-09T10:00+01:00'],
      ['overdue', 7, '2026-12-10T10:00+01:00'],
    ]);
  });

  it('due between now and the first alert: every overdue alert kept', () => {
    const p = plan(start, due, { now: '2026-12-04T10:10+01:00' });
    expect(p.map((r) => [r.kind, r.occurrence])).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => ['overdue', n]));
  });

  it('everything past: an empty plan', () => {
    expect(plan(start, due, { now: '2026-12-10T10:00:00.001+01:00' })).toEqual([]);
  });

  it('a loan that starts later than now is planned in full from its start', () => {
    expect(preDueKinds(plan(start, due, { now: '2026-11-20T08:00+01:00' }))).toEqual([
      'reminder_d2',
      'reminder_d1',
      'reminder_due_day',
    ]);
  });
});

describe('planReminders: Europe/Paris across daylight-saving changes', () => {
  const policy = PARIS;

  it('spring forward (2026-03-29): D-2, D-1 and due day at 09:00, 09:00, 08:00 local', () => {
    expect(planRows('2026-03-26T10:00+01:00', '2026-03-30T10:00+02:00', { policy }).slice(0, 4)).toEqual([
      ['reminder_d2', 1, '2026-03-28T09:00+01:00'],
      ['reminder_d1', 1, '2026-03-29T09:00+02:00'],
      ['reminder_due_day', 1, '2026-03-30T08:00+02:00'],
      ['overdue', 1, '2026-03-30T10:30+02:00'],
    ]);
  });

  it('fall back (2026-10-25): D-2, D-1 and due day at 09:00, 09:00, 08:00 local', () => {
    expect(planRows('2026-10-22T10:00+02:00', '2026-10-26T10:00+01:00', { policy }).slice(0, 4)).toEqual([
      ['reminder_d2', 1, '2026-10-24T09:00+02:00'],
      ['reminder_d1', 1, '2026-10-25T09:00+01:00'],
      ['reminder_due_day', 1, '2026-10-26T08:00+01:00'],
      ['overdue', 1, '2026-10-26T10:30+01:00'],
    ]);
  });

  it('overdue alerts stay at 10:00 local on both sides of the spring change', () => {
    expect(planRows('2026-03-27T07:00+01:00', '2026-03-27T10:00+01:00', { policy })).toEqual([
      ['overdue', 1, '2026-03-27T10:30+01:00'],
      ['overdue', 2, '2026-03-28T10:00+01:00'],
      ['overdue', 3, '2026-03-29T10:00+02:00'],
      ['overdue', 4, '2026-03-30T10:00+02:00'],
      ['overdue', 5, '2026-03-31T10:00+02:00'],
      ['overdue', 6, '2026-04-01T10:00+02:00'],
      ['overdue', 7, '2026-04-02T10:00+02:00'],
    ]);
  });

  it('overdue alerts stay at 10:00 local on both sides of the autumn change', () => {
    expect(planRows('2026-10-23T07:00+02:00', '2026-10-23T10:00+02:00', { policy })).toEqual([
      ['overdue', 1, '2026-10-23T10:30+02:00'],
      ['overdue', 2, '2026-10-24T10:00+02:00'],
      ['overdue', 3, '2026-10-25T10:00+01:00'],
      ['overdue', 4, '2026-10-26T10:00+01:00'],
      ['overdue', 5, '2026-10-27T10:00+01:00'],
      ['overdue', 6, '2026-10-28T10:00+01:00'],
      ['overdue', 7, '2026-10-29T10:00+01:00'],
    ]);
  });

  it('reminder_2h is two hours of elapsed time, even when the wall clock jumps', () => {
    // Due 03:30 CEST on the change day; two real hours before is 00:30 CET.
    expect(planRows('2026-03-28T20:00+01:00', '2026-03-29T03:30+02:00', { policy })[0]).toEqual([
      'reminder_2h',
      1,
      '2026-03-29T00:30+01:00',
    ]);
  });

  it('the same wall-clock loan is medium in spring (23 h) and long in autumn (25 h)', () => {
    expect(preDueKinds(plan('2026-03-28T10:00+01:00', '2026-03-29T10:00+02:00', { policy }))).toEqual([
      'reminder_2h',
    ]);
    expect(preDueKinds(plan('2026-10-24T10:00+02:00', '2026-10-25T10:00+01:00', { policy }))).toEqual([
      'reminder_due_day',
    ]);
  });
});

describe('overdueAlerts', () => {
  const due = new Date('2026-12-04T10:00+01:00');

  it('is the first at due + 30 min and six more, daily at 10:00 local', () => {
    expect(rows(overdueAlerts(due, LIBREVILLE), LIBREVILLE.zone)).toEqual([
      ['overdue', 1, '2026-12-04T10:30+01:00'],
      ...dailyAlertsAfter('2026-12-04'),
    ]);
  });

  it('follows the site policy (count, delay, daily time)', () => {
    const policy = {
      ...LIBREVILLE,
      overdueMaxAlerts: 3,
      overdueFirstMinutesAfter: 0,
      overdueDailyTime: '09:15',
    };
    expect(rows(overdueAlerts(due, policy), policy.zone)).toEqual([
      ['overdue', 1, '2026-12-04T10:00+01:00'],
      ['overdue', 2, '2026-12-05T09:15+01:00'],
      ['overdue', 3, '2026-12-06T09:15+01:00'],
    ]);
  });

  it('is what planReminders puts at the end of a plan made before due', () => {
    const p = plan('2026-12-01T08:00+01:00', '2026-12-04T10:00+01:00');
    expect(p.filter((r) => r.kind === 'overdue')).toEqual(overdueAlerts(due, LIBREVILLE));
  });
});

describe('planReminders: site policy overrides', () => {
  it('uses the configured times and the configured lead of the 2 h reminder', () => {
    const policy: ReminderPolicy = {
      ...LIBREVILLE,
      d2Time: '17:00',
      d1Time: '18:30',
      dueDayTime: '07:15',
      twoHourMinutesBefore: 90,
    };
    expect(planRows('2026-12-01T08:00+01:00', '2026-12-04T10:00+01:00', { policy }).slice(0, 3)).toEqual([
      ['reminder_d2', 1, '2026-12-02T17:00+01:00'],
      ['reminder_d1', 1, '2026-12-03T18:30+01:00'],
      ['reminder_due_day', 1, '2026-12-04T07:15+01:00'],
    ]);
    expect(planRows('2026-12-01T08:00+01:00', '2026-12-01T20:00+01:00', { policy })[0]).toEqual([
      'reminder_2h',
      1,
      '2026-12-01T18:30+01:00',
    ]);
  });

  it('drops a 2 h reminder that a long lead would put before the start', () => {
    const policy: ReminderPolicy = { ...LIBREVILLE, twoHourMinutesBefore: 6 * 60 };
    expect(preDueKinds(plan('2026-12-01T08:00+01:00', '2026-12-01T13:00+01:00', { policy }))).toEqual([]);
  });
});
