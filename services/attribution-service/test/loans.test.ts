import { notificationLog } from '@rappel/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const jobOf = async (channel: 'email' | 'whatsapp', id: string) => {
  const job = await h.queues[channel].getJob(id);
  return job ? { id: job.id, name: job.name, data: job.data } : null;
};

describe('creating a loan', () => {
  it('writes the loan, its plan and one pending row per channel on, and queues one job per row', async () => {
    const s = await h.fx.scene({ whatsapp: true });
    const res = await h.api('POST', '/v1/loans', {
      itemId: s.item.id,
      clientId: s.client.id,
      responsibleUserId: s.staff.id,
      dueDate: '2026-12-05',
    });
    expect(res.statusCode).toBe(201);
    const { loan, notifications } = res.json();
    // 10:00 in Libreville (UTC+1), the default return time.
    expect(loan).toMatchObject({ dueAt: '2026-12-05T09:00:00.000Z', durationClass: 'long', version: 1 });
    expect(loan.status).toBe('open');

    const rows = await h.logRows(loan.id);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        kind: 'loan_created',
        status: 'pending',
        occurrence: '1',
        recipientType: 'client',
        recipientId: s.client.id,
        durationClass: 'long',
        departmentId: s.department.id,
      });
    }
    expect(rows.map((r) => [r.channel, r.recipientAddress]).sort()).toEqual([
      ['email', s.client.email],
      ['whatsapp', s.client.phone],
    ]);
    expect(notifications.map((n: { id: string }) => n.id).sort()).toEqual(rows.map((r) => r.id).sort());

    for (const row of rows) {
      expect(await jobOf(row.channel, row.id)).toEqual({
        id: row.id,
        name: 'loan_created',
        data: { notificationId: row.id },
      });
    }
    expect(await h.queues.email.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    expect(await h.queues.whatsapp.getJobCounts('waiting')).toMatchObject({ waiting: 1 });

    const plan = await h.planRows(loan.id);
    expect(plan.map((r) => [r.kind, r.occurrence, r.fireAt.toISOString(), r.loanVersion, r.state])).toEqual([
      ['reminder_d2', 1, '2026-12-03T08:00:00.000Z', 1, 'scheduled'],
      ['reminder_d1', 1, '2026-12-04T08:00:00.000Z', 1, 'scheduled'],
      ['reminder_due_day', 1, '2026-12-05T07:00:00.000Z', 1, 'scheduled'],
      ['overdue', 1, '2026-12-05T09:30:00.000Z', 1, 'scheduled'],
      ...[6, 7, 8, 9, 10, 11].map((day, i) => [
        'overdue',
        i + 2,
        `2026-12-${String(day).padStart(2, '0')}T09:00:00.000Z`,
        1,
        'scheduled',
      ]),
    ]);
  });

  it('a channel switched off gets no row and no job', async () => {
    const s = await h.fx.scene();
    await h.fx.preferences({ clientId: s.client.id }, { emailEnabled: false });
    const res = await h.api('POST', '/v1/loans', {
      itemId: s.item.id,
      clientId: s.client.id,
      responsibleUserId: s.staff.id,
      dueAt: '2026-12-01T12:00:00+01:00',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().notifications).toEqual([]);
    expect(await h.logRows(res.json().loan.id)).toEqual([]);
    // 09:00 to 12:00 local: a short loan, so overdue alerts only.
    expect(res.json().loan.durationClass).toBe('short');
    const plan = await h.planRows(res.json().loan.id);
    expect(plan.map((r) => r.kind)).toEqual(Array(7).fill('overdue'));
  });

  it('a room loan notifies the responsible staff member', async () => {
    const s = await h.fx.scene();
    const room = await h.fx.room(s.department.id);
    const res = await h.api('POST', '/v1/loans', {
      itemId: s.item.id,
      roomId: room.id,
      responsibleUserId: s.staff.id,
      dueAt: '2026-12-01T18:00:00+01:00',
    });
    expect(res.statusCode).toBe(201);
    const rows = await h.logRows(res.json().loan.id);
    expect(rows.map((r) => [r.channel, r.recipientType, r.recipientId, r.recipientAddress])).toEqual([
      ['email', 'user', s.staff.id, s.staff.email],
    ]);
    expect(res.json().loan.durationClass).toBe('medium');
    expect((await h.planRows(res.json().loan.id))[0]).toMatchObject({
      kind: 'reminder_2h',
      fireAt: new Date('2026-12-01T15:00:00Z'),
    });
  });

  it('two concurrent loans of the same item: one 201, one 409', async () => {
    const s = await h.fx.scene();
    const other = await h.fx.client(s.department.id);
    const body = (clientId: string) => ({
      itemId: s.item.id,
      clientId,
      responsibleUserId: s.staff.id,
      dueDate: '2026-12-03',
    });
    const results = await Promise.all([
      h.api('POST', '/v1/loans', body(s.client.id)),
      h.api('POST', '/v1/loans', body(other.id)),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const conflict = results.find((r) => r.statusCode === 409)!;
    expect(conflict.json()).toMatchObject({ code: 'ITEM_ALREADY_ON_LOAN', field: 'itemId' });
    const rows = await h.db
      .select()
      .from(notificationLog)
      .where(eq(notificationLog.departmentId, s.department.id));
    expect(rows).toHaveLength(1);
  });
});

describe('changing a loan', () => {
  it('returning cancels what is left of the plan and queues loan_returned', async () => {
    const { s, loan } = await h.openLoan();
    h.clock.set('2026-12-03T12:00:00Z'); // after the D-2 reminder time
    try {
      const res = await h.api('POST', `/v1/loans/${loan.id}/return`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.loan).toMatchObject({ status: 'returned', returnedAt: '2026-12-03T12:00:00.000Z' });
      expect(body.notifications).toEqual([
        { id: expect.any(String), channel: 'email', kind: 'loan_returned', status: 'pending' },
      ]);
      const plan = await h.planRows(loan.id);
      expect(plan.every((r) => r.state === 'cancelled')).toBe(true);
      const returned = (await h.logRows(loan.id)).filter((r) => r.kind === 'loan_returned');
      expect(returned).toHaveLength(1);
      expect(returned[0]).toMatchObject({ recipientId: s.client.id, status: 'pending' });
      expect(await jobOf('email', returned[0]!.id)).toMatchObject({ name: 'loan_returned' });

      const again = await h.api('POST', `/v1/loans/${loan.id}/return`, {});
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('LOAN_ALREADY_RETURNED');
      expect(await h.logRows(loan.id)).toHaveLength(2);
      // The item is free again.
      const next = await h.api('POST', '/v1/loans', {
        itemId: s.item.id,
        clientId: s.client.id,
        responsibleUserId: s.staff.id,
        dueDate: '2026-12-10',
      });
      expect(next.statusCode).toBe(201);
    } finally {
      h.clock.set('2026-12-01T08:00:00Z');
    }
  });

  it('a due-date change replaces the plan with a new version', async () => {
    const { loan } = await h.openLoan();
    const res = await h.api('POST', `/v1/loans/${loan.id}/due-date`, { dueAt: '2026-12-01T15:00:00+01:00' });
    expect(res.statusCode).toBe(200);
    expect(res.json().loan).toMatchObject({
      version: 2,
      durationClass: 'medium',
      dueAt: '2026-12-01T14:00:00.000Z',
    });
    const plan = await h.planRows(loan.id);
    const v1 = plan.filter((r) => r.loanVersion === 1);
    const v2 = plan.filter((r) => r.loanVersion === 2);
    expect(v1.length).toBeGreaterThan(0);
    expect(v1.every((r) => r.state === 'cancelled')).toBe(true);
    expect(v2.every((r) => r.state === 'scheduled')).toBe(true);
    expect(v2.map((r) => [r.kind, r.fireAt.toISOString()])[0]).toEqual([
      'reminder_2h',
      '2026-12-01T12:00:00.000Z',
    ]);
    expect(v2.filter((r) => r.kind === 'overdue')).toHaveLength(7);
    expect(res.json().reminders).toHaveLength(v2.length);

    const past = await h.api('POST', `/v1/loans/${loan.id}/due-date`, { dueDate: '2026-11-30' });
    expect(past.statusCode).toBe(400);
    expect(past.json().field).toBe('dueDate');
  });

  it('cancelling cancels the plan and the unsent messages, with no loan_returned', async () => {
    const { loan } = await h.openLoan({ whatsapp: true });
    const res = await h.api('POST', `/v1/loans/${loan.id}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(res.json().loan.status).toBe('cancelled');
    const rows = await h.logRows(loan.id);
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ['loan_created', 'cancelled'],
      ['loan_created', 'cancelled'],
    ]);
    expect((await h.planRows(loan.id)).every((r) => r.state === 'cancelled')).toBe(true);
    expect((await h.api('POST', `/v1/loans/${loan.id}/return`)).json().code).toBe('LOAN_CANCELLED');
  });

  it('a manual reminder sends the pre-due reminder before due and overdue after, each time anew', async () => {
    const { s, loan } = await h.openLoan();
    const res = await h.api('POST', `/v1/loans/${loan.id}/remind`);
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .notifications.map((n: { channel: string; kind: string; status: string }) => [
          n.channel,
          n.kind,
          n.status,
        ]),
    ).toEqual([
      ['email', 'reminder_due_day', 'pending'],
      ['whatsapp', 'reminder_due_day', 'skipped'],
    ]);
    const manual = (await h.logRows(loan.id)).filter((r) => r.kind === 'reminder_due_day');
    expect(manual).toHaveLength(2);
    expect(manual[0]!.occurrence).toMatch(/^manual:[0-9a-f-]{36}$/);
    expect(manual[0]!.context).toEqual({ manual: true, requestedBy: 'desk-system' });
    const emailRow = manual.find((r) => r.channel === 'email')!;
    expect(await jobOf('email', emailRow.id)).toMatchObject({ name: 'reminder_due_day' });
    expect(await jobOf('whatsapp', manual.find((r) => r.channel === 'whatsapp')!.id)).toBeNull();

    h.clock.set('2026-12-06T08:00:00Z');
    try {
      const late = await h.api('POST', `/v1/loans/${loan.id}/remind`);
      expect(late.json().notifications[0]).toMatchObject({ kind: 'overdue', status: 'pending' });
      expect(late.json().loan.status).toBe('overdue');
      await h.api('POST', `/v1/loans/${loan.id}/return`);
      const after = await h.api('POST', `/v1/loans/${loan.id}/remind`);
      expect(after.statusCode).toBe(409);
      expect(manual[0]!.recipientId).toBe(s.client.id);
    } finally {
      h.clock.set('2026-12-01T08:00:00Z');
    }
  });
});

describe('reading loans', () => {
  it('gets one loan with its plan, and lists with filters and cursor pages', async () => {
    const s = await h.fx.scene();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const item = await h.fx.item(s.department.id);
      const res = await h.api('POST', '/v1/loans', {
        itemId: item.id,
        clientId: s.client.id,
        responsibleUserId: s.staff.id,
        dueDate: '2026-12-04',
      });
      ids.push(res.json().loan.id);
    }
    await h.api('POST', `/v1/loans/${ids[0]}/return`);

    const one = await h.api('GET', `/v1/loans/${ids[1]}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().reminders.length).toBeGreaterThan(0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url = `/v1/loans?clientId=${s.client.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await h.api('GET', url);
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items.map((l: { id: string }) => l.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());

    const returned = await h.api('GET', `/v1/loans?clientId=${s.client.id}&status=returned`);
    expect(returned.json().items.map((l: { id: string }) => l.id)).toEqual([ids[0]]);
    const open = await h.api('GET', `/v1/loans?departmentId=${s.department.id}&status=open`);
    expect(open.json().items).toHaveLength(4);

    h.clock.set('2026-12-05T08:00:00Z');
    try {
      const overdue = await h.api('GET', `/v1/loans?departmentId=${s.department.id}&status=overdue`);
      expect(overdue.json().items).toHaveLength(4);
    } finally {
      h.clock.set('2026-12-01T08:00:00Z');
    }
    const bad = await h.api('GET', '/v1/loans?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('cursor');
  });
});
