import { describe, expect, it } from 'vitest';
import { planReminders } from './reminder-plan';
import { DEFAULT_REMINDER_POLICY } from './reminder-policy';

const policy = DEFAULT_REMINDER_POLICY; // Africa/Libreville, UTC+1 all year

describe('planReminders (smoke)', () => {
  it('plans D-2, D-1, due day and overdue alerts for a long loan', () => {
    const plan = planReminders(
      {
        startsAt: new Date('2026-12-01T08:00:00Z'),
        dueAt: new Date('2026-12-04T09:00:00Z'), // 10:00 local
        now: new Date('2026-12-01T08:00:00Z'),
      },
      policy,
    );
    expect(plan.slice(0, 4).map((r) => [r.kind, r.fireAt.toISOString()])).toEqual([
      ['reminder_d2', '2026-12-02T08:00:00.000Z'],
      ['reminder_d1', '2026-12-03T08:00:00.000Z'],
      ['reminder_due_day', '2026-12-04T07:00:00.000Z'],
      ['overdue', '2026-12-04T09:30:00.000Z'],
    ]);
    expect(plan.filter((r) => r.kind === 'overdue')).toHaveLength(7);
  });
});
