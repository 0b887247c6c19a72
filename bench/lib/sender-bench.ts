// What the two sender benchmarks share: a sample message context and N pending rows to send.
import type { Channel, DailyReport, Language, NotificationKind } from '../../packages/contracts/src/index';
import type { MessageContext } from '../../packages/templates/src/index';
import { fixtures, type TestDatabase } from '../../packages/testing/src/index';

/** A realistic context for `kind` on `channel`: what a template renders in the benchmarks. */
export function sampleContext(kind: NotificationKind, channel: Channel, language: Language): MessageContext {
  const dueAt = new Date('2026-12-04T09:00:00Z');
  const report: DailyReport = {
    date: '2026-12-04',
    dueToday: [],
    overdue: Array.from({ length: 10 }, (_, i) => ({
      loanId: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      itemName: `Micro HF ${i}`,
      inventoryNumber: `INV-${i}`,
      borrowerName: 'Claire Martin',
      roomNumber: '214',
      dueAt: dueAt.toISOString(),
    })),
    yesterdayByStatus: { sent: 40, skipped: 3 },
    failuresToReview: [],
  };
  return {
    kind,
    channel,
    language,
    zone: 'Africa/Libreville',
    now: new Date('2026-12-04T11:30:00Z'),
    recipient: {
      name: 'Claire Martin',
      address: channel === 'email' ? 'claire@example.test' : '+24106123456',
    },
    department: { name: 'Réception', deskLocation: 'Comptoir du hall' },
    loan: {
      id: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      startsAt: new Date('2026-12-01T08:00:00Z'),
      dueAt,
      returnedAt: kind === 'loan_returned' ? new Date('2026-12-04T10:00:00Z') : null,
      durationClass: 'long',
      notes: null,
    },
    item: { name: 'Vidéoprojecteur Epson', inventoryNumber: 'INV-042' },
    borrower: { name: 'Claire Martin', roomNumber: '214', kind: 'client' },
    extra: kind === 'daily_report' ? report : {},
    links: { preferences: 'https://rappel.test/p/abc', unsubscribe: 'https://rappel.test/u/def' },
  };
}

/**
 * `n` pending `loan_created` rows on `channel`, each for its own loan of one borrower, written
 * with generate_series (fast at any size). Returns their ids.
 */
export async function seedPendingRows(
  tdb: TestDatabase,
  n: number,
  tag: string,
  channel: Channel,
): Promise<string[]> {
  const scene = await fixtures(tdb.db).scene({ whatsapp: channel === 'whatsapp' });
  const { sql } = tdb;
  await sql`
    insert into items (department_id, name, inventory_number)
    select ${scene.department.id}, 'Bench item', ${`${tag}-`} || g from generate_series(1, ${n}) g`;
  await sql`
    insert into loans (item_id, client_id, responsible_user_id, department_id, starts_at, due_at, duration_class)
    select i.id, ${scene.client.id}, ${scene.staff.id}, ${scene.department.id},
           now() - interval '1 hour', now() + interval '3 days', 'long'
    from items i where i.inventory_number like ${`${tag}-%`}`;
  // Each e-mail goes to its own address (so duplicates show per recipient); WhatsApp to the
  // borrower's number.
  const address =
    channel === 'email'
      ? sql`'guest-' || substr(l.id::text, 1, 8) || '@bench.test'`
      : sql`${scene.client.phone}`;
  const rows = await sql<{ id: string }[]>`
    insert into notification_log (idempotency_key, loan_id, department_id, kind, channel, recipient_type,
                                  recipient_id, recipient_address, language, status)
    select 'bench|' || l.id, l.id, l.department_id, 'loan_created', ${channel}, 'client', l.client_id,
           ${address}, 'fr', 'pending'
    from loans l join items i on i.id = l.item_id where i.inventory_number like ${`${tag}-%`}
    returning id`;
  return rows.map((r) => r.id);
}
