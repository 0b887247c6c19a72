import type { Language, RecipientType } from '@rappel/contracts';
import { clients, type Executor, loans, notificationPreferences, users } from '@rappel/db';
import type { ChannelPreferences } from '@rappel/domain';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';

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

const prefColumns = {
  emailEnabled: notificationPreferences.emailEnabled,
  whatsappEnabled: notificationPreferences.whatsappEnabled,
  whatsappNumber: notificationPreferences.whatsappNumber,
  reminderD2: notificationPreferences.reminderD2,
  reminderD1: notificationPreferences.reminderD1,
  reminderDueDay: notificationPreferences.reminderDueDay,
  reminder2h: notificationPreferences.reminder2h,
};

/**
 * The borrower of a loan: the client, or for a room loan the responsible staff member
 * (DESIGN.md, "Notification kinds").
 */
export async function loadBorrower(db: Executor, loanId: string): Promise<Recipient | null> {
  const [loan] = await db
    .select({ clientId: loans.clientId, responsibleUserId: loans.responsibleUserId })
    .from(loans)
    .where(eq(loans.id, loanId));
  if (!loan) return null;
  if (loan.clientId) {
    const [row] = await db
      .select({ c: clients, p: prefColumns })
      .from(clients)
      .leftJoin(notificationPreferences, eq(notificationPreferences.clientId, clients.id))
      .where(eq(clients.id, loan.clientId));
    if (!row) return null;
    return {
      type: 'client',
      id: row.c.id,
      name: row.c.fullName,
      email: row.c.email,
      phone: row.c.phone,
      language: row.c.language,
      preferences: row.p satisfies ChannelPreferences | null,
    };
  }
  const [user] = await loadUsers(db, eq(users.id, loan.responsibleUserId));
  return user ?? null;
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
  const clientPrefs = alias(notificationPreferences, 'client_prefs');
  const userPrefs = alias(notificationPreferences, 'user_prefs');
  const rows = await db
    .select({
      loanId: loans.id,
      c: clients,
      cp: {
        emailEnabled: clientPrefs.emailEnabled,
        whatsappEnabled: clientPrefs.whatsappEnabled,
        whatsappNumber: clientPrefs.whatsappNumber,
        reminderD2: clientPrefs.reminderD2,
        reminderD1: clientPrefs.reminderD1,
        reminderDueDay: clientPrefs.reminderDueDay,
        reminder2h: clientPrefs.reminder2h,
      },
      u: users,
      up: {
        emailEnabled: userPrefs.emailEnabled,
        whatsappEnabled: userPrefs.whatsappEnabled,
        whatsappNumber: userPrefs.whatsappNumber,
        reminderD2: userPrefs.reminderD2,
        reminderD1: userPrefs.reminderD1,
        reminderDueDay: userPrefs.reminderDueDay,
        reminder2h: userPrefs.reminder2h,
      },
    })
    .from(loans)
    .leftJoin(clients, eq(clients.id, loans.clientId))
    .leftJoin(clientPrefs, eq(clientPrefs.clientId, clients.id))
    // The responsible user only matters for a loan without a client (a room loan).
    .leftJoin(users, and(isNull(loans.clientId), eq(users.id, loans.responsibleUserId)))
    .leftJoin(userPrefs, eq(userPrefs.userId, users.id))
    .where(inArray(loans.id, [...loanIds]));
  for (const row of rows) {
    if (row.c) {
      found.set(row.loanId, {
        type: 'client',
        id: row.c.id,
        name: row.c.fullName,
        email: row.c.email,
        phone: row.c.phone,
        language: row.c.language,
        preferences: row.cp satisfies ChannelPreferences | null,
      });
    } else if (row.u) {
      found.set(row.loanId, {
        type: 'user',
        id: row.u.id,
        name: row.u.fullName,
        email: row.u.email,
        phone: row.u.phone,
        language: row.u.language,
        preferences: row.up satisfies ChannelPreferences | null,
      });
    }
  }
  return found;
}

async function loadUsers(db: Executor, where: ReturnType<typeof eq> | undefined): Promise<Recipient[]> {
  const rows = await db
    .select({ u: users, p: prefColumns })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(where);
  return rows.map((row) => ({
    type: 'user' as const,
    id: row.u.id,
    name: row.u.fullName,
    email: row.u.email,
    phone: row.u.phone,
    language: row.u.language,
    preferences: row.p satisfies ChannelPreferences | null,
  }));
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
