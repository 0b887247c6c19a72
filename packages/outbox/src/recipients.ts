import type { Language, RecipientType } from '@rappel/contracts';
import { clients, type Executor, loans, notificationPreferences, users } from '@rappel/db';
import type { ChannelPreferences } from '@rappel/domain';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';

/** Someone a message can be addressed to, with their preferences as they are now. */
export interface Recipient {
  type: RecipientType;
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  language: Language;
  preferences: ChannelPreferences | null;
}

/** The switches of a preferences row (a left-joined alias of it: null when there is none). */
export const preferenceColumns = (p: typeof notificationPreferences) => ({
  emailEnabled: p.emailEnabled,
  whatsappEnabled: p.whatsappEnabled,
  whatsappNumber: p.whatsappNumber,
  reminderD2: p.reminderD2,
  reminderD1: p.reminderD1,
  reminderDueDay: p.reminderDueDay,
  reminder2h: p.reminder2h,
});

type Prefs = ChannelPreferences | null;

const clientRecipient = (c: typeof clients.$inferSelect, preferences: Prefs): Recipient => ({
  type: 'client',
  id: c.id,
  name: c.fullName,
  email: c.email,
  phone: c.phone,
  language: c.language,
  preferences,
});

const userRecipient = (u: typeof users.$inferSelect, preferences: Prefs): Recipient => ({
  type: 'user',
  id: u.id,
  name: u.fullName,
  email: u.email,
  phone: u.phone,
  language: u.language,
  preferences,
});

/**
 * A query's borrower preferences: the row of the joined client, or, where no client joined, of
 * the joined user (the responsible staff member of a room loan).
 */
export const borrowerPreferencesOn = () =>
  or(
    eq(notificationPreferences.clientId, clients.id),
    and(isNull(clients.id), eq(notificationPreferences.userId, users.id)),
  );

/** The borrower from a query's joined client, user and preferences: the client, else the user. */
export const borrowerFrom = (
  client: typeof clients.$inferSelect | null,
  user: typeof users.$inferSelect | null,
  preferences: Prefs,
): Recipient | null =>
  client ? clientRecipient(client, preferences) : user ? userRecipient(user, preferences) : null;

/**
 * The borrower of a loan: the client, or for a room loan the responsible staff member
 * (DESIGN.md, "Notification kinds").
 */
export async function loadBorrower(db: Executor, loanId: string): Promise<Recipient | null> {
  return (await loadBorrowers(db, [loanId])).get(loanId) ?? null;
}

/**
 * The borrowers of many loans at once (what loadBorrower gives for each), keyed by loan id:
 * one query whatever the number of loans, for callers that handle a batch (the scheduler's
 * due sweep). A loan that does not exist, or whose client or user is gone, has no entry.
 */
export async function loadBorrowers(
  db: Executor,
  loanIds: readonly string[],
): Promise<Map<string, Recipient>> {
  const found = new Map<string, Recipient>();
  if (loanIds.length === 0) return found;
  const rows = await db
    .select({
      loanId: loans.id,
      c: clients,
      u: users,
      p: preferenceColumns(notificationPreferences),
    })
    .from(loans)
    .leftJoin(clients, eq(clients.id, loans.clientId))
    // The responsible user only matters for a loan without a client (a room loan).
    .leftJoin(users, and(isNull(loans.clientId), eq(users.id, loans.responsibleUserId)))
    .leftJoin(notificationPreferences, borrowerPreferencesOn())
    .where(inArray(loans.id, [...loanIds]));
  for (const row of rows) {
    const borrower = borrowerFrom(row.c, row.u, row.p);
    if (borrower) found.set(row.loanId, borrower);
  }
  return found;
}

async function loadUsers(db: Executor, where: ReturnType<typeof eq> | undefined): Promise<Recipient[]> {
  const rows = await db
    .select({ u: users, p: preferenceColumns(notificationPreferences) })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(where);
  return rows.map((row) => userRecipient(row.u, row.p));
}

/** Every active super admin, and every active manager of `departmentId`. */
export async function loadManagers(db: Executor, departmentId: string): Promise<Recipient[]> {
  return loadUsers(
    db,
    and(
      eq(users.active, true),
      or(
        eq(users.role, 'super_admin'),
        and(eq(users.role, 'dept_manager'), eq(users.departmentId, departmentId)),
      ),
    ),
  );
}

/** Users by id (active or not), for callers that already know whom they address. */
export async function loadUserRecipients(db: Executor, ids: string[]): Promise<Recipient[]> {
  if (ids.length === 0) return [];
  return loadUsers(db, inArray(users.id, ids));
}
