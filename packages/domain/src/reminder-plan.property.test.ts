import type { ReminderKind } from '@rappel/contracts';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { classifyDuration } from './duration-class';
import { type PlannedReminder, planReminders } from './reminder-plan';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from './reminder-policy';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ZONES = ['Africa/Libreville', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'];

// Daylight-saving changes in 2026 of the zones above: starts near them are drawn more often.
const CHANGES = [
  '2026-03-08T07:00:00Z', // New York, spring
  '2026-03-29T01:00:00Z', // Paris, spring
  '2026-04-04T14:00:00Z', // Auckland, autumn
  '2026-09-26T14:00:00Z', // Auckland, spring
  '2026-10-25T01:00:00Z', // Paris, autumn
  '2026-11-01T06:00:00Z', // New York, autumn
].map((s) => Date.parse(s));

const anyStart = fc.oneof(
  fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') }),
  fc
    .tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -60 * DAY, max: 5 * DAY }))
    .map(([change, offset]) => change + offset),
);

// 1 minute to 60 days, with the class boundaries and whole days drawn often.
const anyDuration = fc.oneof(
  fc.integer({ min: MINUTE, max: 60 * DAY }),
  fc.constantFrom(4 * HOUR, 4 * HOUR + 1, 24 * HOUR, 24 * HOUR + 1, 48 * HOUR, 72 * HOUR),
  fc.integer({ min: 1, max: 60 }).map((days) => days * DAY),
);

// When the plan is made, relative to the start: before it, at it, or anywhere up to well past due.
const anyNowOffset = (duration: number) =>
  fc.oneof(
    fc.constant(0),
    fc.integer({ min: -3 * DAY, max: 0 }),
    fc.integer({ min: 0, max: duration + 10 * DAY }),
  );

interface Case {
  policy: ReminderPolicy;
  startsAt: Date;
  dueAt: Date;
  now: Date;
}

const anyCase: fc.Arbitrary<Case> = fc
  .record({ zone: fc.constantFrom(...ZONES), start: anyStart, duration: anyDuration })
  .chain(({ zone, start, duration }) =>
    anyNowOffset(duration).map((nowOffset) => ({
      policy: { ...DEFAULT_REMINDER_POLICY, zone },
      startsAt: new Date(start),
      dueAt: new Date(start + duration),
      now: new Date(start + nowOffset),
    })),
  );

const planOf = (c: Case) => planReminders({ startsAt: c.startsAt, dueAt: c.dueAt, now: c.now }, c.policy);
const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone });
const t = (d: Date) => d.getTime();
const isOverdue = (r: PlannedReminder) => r.kind === 'overdue';

const PRE_DUE_BY_CLASS: Record<string, ReminderKind[]> = {
  short: [],
  medium: ['reminder_2h'],
  long: ['reminder_d2', 'reminder_d1', 'reminder_due_day'],
};

const RUNS = { numRuns: 200 };

describe('planReminders (property-based)', () => {
  it('is ordered by fireAt, strictly', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        const plan = planOf(c);
        for (let i = 1; i < plan.length; i++)
          expect(t(plan[i]!.fireAt)).toBeGreaterThan(t(plan[i - 1]!.fireAt));
      }),
      RUNS,
    );
  });

  it('holds nothing before now', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        for (const r of planOf(c)) expect(t(r.fireAt)).toBeGreaterThanOrEqual(t(c.now));
      }),
      RUNS,
    );
  });

  it('puts pre-due reminders strictly after the start and strictly before due', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        for (const r of planOf(c).filter((r) => !isOverdue(r))) {
          expect(t(r.fireAt)).toBeGreaterThan(t(c.startsAt));
          expect(t(r.fireAt)).toBeLessThan(t(c.dueAt));
          expect(r.occurrence).toBe(1);
        }
      }),
      RUNS,
    );
  });

  it('numbers overdue alerts without gaps, the past ones left out, strictly after due', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        const alerts = planOf(c).filter(isOverdue);
        const occurrences = alerts.map((r) => r.occurrence);
        const firstKept = 8 - alerts.length;
        expect(occurrences).toEqual(Array.from({ length: alerts.length }, (_, i) => firstKept + i));
        if (t(c.now) <= t(c.dueAt) + 30 * MINUTE) expect(occurrences).toEqual([1, 2, 3, 4, 5, 6, 7]);
        for (const r of alerts) expect(t(r.fireAt)).toBeGreaterThan(t(c.dueAt));
      }),
      RUNS,
    );
  });

  it('fires the first alert at due + 30 min and each later one at 10:00 local on the next local day', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        const { zone } = c.policy;
        const alerts = planOf(c).filter(isOverdue);
        const first = alerts.find((r) => r.occurrence === 1);
        if (first) expect(t(first.fireAt)).toBe(t(c.dueAt) + 30 * MINUTE);
        const firstDay = local(new Date(t(c.dueAt) + 30 * MINUTE), zone).startOf('day');
        for (const r of alerts.filter((r) => r.occurrence > 1)) {
          const at = local(r.fireAt, zone);
          expect(at.toFormat('HH:mm:ss.SSS')).toBe('10:00:00.000');
          expect(at.startOf('day').diff(firstDay, 'days').days).toBeCloseTo(r.occurrence - 1, 1);
        }
      }),
      RUNS,
    );
  });

  it('holds only the pre-due kinds of the class, each at its local time on its local day', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        const { zone } = c.policy;
        const durationClass = classifyDuration(c.startsAt, c.dueAt);
        const preDue = planOf(c).filter((r) => !isOverdue(r));
        const dueDay = local(c.dueAt, zone).startOf('day');
        for (const r of preDue) {
          expect(PRE_DUE_BY_CLASS[durationClass]).toContain(r.kind);
          const at = local(r.fireAt, zone);
          const daysBefore = Math.round(dueDay.diff(at.startOf('day'), 'days').days);
          if (r.kind === 'reminder_2h') expect(t(r.fireAt)).toBe(t(c.dueAt) - 2 * HOUR);
          if (r.kind === 'reminder_d2') expect([daysBefore, at.toFormat('HH:mm')]).toEqual([2, '09:00']);
          if (r.kind === 'reminder_d1') expect([daysBefore, at.toFormat('HH:mm')]).toEqual([1, '09:00']);
          if (r.kind === 'reminder_due_day') expect([daysBefore, at.toFormat('HH:mm')]).toEqual([0, '08:00']);
        }
        expect(new Set(preDue.map((r) => r.kind)).size).toBe(preDue.length);
      }),
      RUNS,
    );
  });

  it('leaves out no pre-due reminder that has room: medium always, long ≥ 72 h gets D-2 and D-1', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        if (t(c.now) > t(c.startsAt)) return; // planned at or before the start
        const kinds = planOf(c)
          .filter((r) => !isOverdue(r))
          .map((r) => r.kind);
        const durationClass = classifyDuration(c.startsAt, c.dueAt);
        if (durationClass === 'medium') expect(kinds).toEqual(['reminder_2h']);
        if (durationClass === 'long' && t(c.dueAt) - t(c.startsAt) >= 72 * HOUR) {
          const dueAfterEight = local(c.dueAt, c.policy.zone).toFormat('HH:mm:ss.SSS') > '08:00:00.000';
          expect(kinds).toEqual(
            dueAfterEight
              ? ['reminder_d2', 'reminder_d1', 'reminder_due_day']
              : ['reminder_d2', 'reminder_d1'],
          );
        }
      }),
      RUNS,
    );
  });

  it('is deterministic and leaves its inputs alone', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        const before = [t(c.startsAt), t(c.dueAt), t(c.now)];
        expect(planOf(c)).toEqual(planOf(c));
        expect([t(c.startsAt), t(c.dueAt), t(c.now)]).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  it('a plan made later is the earlier plan without what has passed since', () => {
    fc.assert(
      fc.property(anyCase, fc.integer({ min: 0, max: 20 * DAY }), (c, later) => {
        const laterNow = new Date(t(c.now) + later);
        const earlier = planOf(c).filter((r) => t(r.fireAt) >= t(laterNow));
        expect(planOf({ ...c, now: laterNow })).toEqual(earlier);
      }),
      { numRuns: 60 },
    );
  });
});
