import { randomUUID } from 'node:crypto';
import {
  clients,
  type Database,
  departments,
  items,
  loans,
  notificationPreferences,
  scheduledReminders,
  users,
} from '@rappel/db';

/** One borrower per loan, each with its own e-mail and WhatsApp number, so every message names its loan. */
export interface Borrower {
  clientId: string;
  itemId: string;
  email: string;
  /** E.164, WhatsApp on. */
  phone: string;
}

export interface Desk {
  departmentId: string;
  staffId: string;
  borrowers: Borrower[];
}

const CHUNK = 500;
async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** A department, a staff member, and `count` clients (e-mail on, WhatsApp too unless told) with an item each. */
export async function createDesk(db: Database, count: number, { whatsapp = true } = {}): Promise<Desk> {
  const tag = randomUUID().slice(0, 8);
  const [department] = await db
    .insert(departments)
    .values({ name: `Conciergerie ${tag}`, deskLocation: 'Conciergerie, hall principal' })
    .returning();
  const [staff] = await db
    .insert(users)
    .values({
      departmentId: department!.id,
      email: `staff-${tag}@hotel.test`,
      fullName: 'Awa Ndong',
      role: 'dept_user',
    })
    .returning();
  const borrowers: Borrower[] = Array.from({ length: count }, (_, i) => ({
    clientId: randomUUID(),
    itemId: randomUUID(),
    email: `guest-${tag}-${i}@example.test`,
    // French mobile numbers: +33 6 followed by eight digits, one per borrower.
    phone: `+336${String(10_000_000 + i).slice(-8)}`,
  }));
  await insertChunked(borrowers, (chunk) =>
    db.insert(clients).values(
      chunk.map((b) => ({
        id: b.clientId,
        departmentId: department!.id,
        kind: 'guest' as const,
        fullName: 'Claire Martin',
        email: b.email,
        phone: b.phone,
        language: 'fr' as const,
        roomNumber: '214',
      })),
    ),
  );
  if (whatsapp)
    await insertChunked(borrowers, (chunk) =>
      db.insert(notificationPreferences).values(
        chunk.map((b) => ({
          clientId: b.clientId,
          whatsappEnabled: true,
          whatsappNumber: b.phone,
          whatsappConsentSource: 'desk',
          whatsappConsentAt: new Date(),
        })),
      ),
    );
  await insertChunked(borrowers, (chunk) =>
    db.insert(items).values(
      chunk.map((b) => ({
        id: b.itemId,
        departmentId: department!.id,
        name: 'Vidéoprojecteur Epson',
        inventoryNumber: `INV-${b.email}`,
      })),
    ),
  );
  return { departmentId: department!.id, staffId: staff!.id, borrowers };
}

/**
 * Medium loans (started 3 h ago, due at fire time + 2 h) whose `reminder_2h` falls due at the
 * given instants, written as attribution-service writes them: the loan and its plan row.
 * Only the reminder_2h row is written; the overdue alerts would fire hours later.
 */
export async function loansWithReminderAt(
  db: Database,
  desk: Desk,
  fireAts: Date[],
): Promise<Array<{ loanId: string; borrower: Borrower; fireAt: Date }>> {
  const now = Date.now();
  const planned = fireAts.map((fireAt, i) => {
    const borrower = desk.borrowers[i];
    if (!borrower) throw new Error(`desk has ${desk.borrowers.length} borrowers, ${fireAts.length} needed`);
    return { loanId: randomUUID(), borrower, fireAt };
  });
  await insertChunked(planned, (chunk) =>
    db.insert(loans).values(
      chunk.map((p) => ({
        id: p.loanId,
        departmentId: desk.departmentId,
        itemId: p.borrower.itemId,
        clientId: p.borrower.clientId,
        responsibleUserId: desk.staffId,
        startsAt: new Date(now - 3 * 3_600_000),
        dueAt: new Date(p.fireAt.getTime() + 2 * 3_600_000),
        durationClass: 'medium' as const,
      })),
    ),
  );
  await insertChunked(planned, (chunk) =>
    db.insert(scheduledReminders).values(
      chunk.map((p) => ({
        loanId: p.loanId,
        kind: 'reminder_2h' as const,
        fireAt: p.fireAt,
        loanVersion: 1,
      })),
    ),
  );
  return planned;
}
