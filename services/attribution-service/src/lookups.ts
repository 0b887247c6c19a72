import {
  clients,
  type Database,
  departments,
  type Executor,
  items,
  notificationPreferences,
  perDatabase,
  rooms,
  users,
} from '@rappel/db';
import { borrowerFrom, borrowerPreferencesOn, preferenceColumns, type Recipient } from '@rappel/outbox';
import { eq, sql } from 'drizzle-orm';
import type { Caller } from './auth/api-keys';
import { canSee } from './auth/scope';
import { NotFound } from './http/errors';

/**
 * Rows by id as the caller may see them. A row of another department is reported exactly
 * like a missing one (404), so a scoped key learns nothing about other departments.
 */
function visible<T extends { departmentId: string | null }>(
  caller: Caller,
  row: T | null | undefined,
  notFound: () => Error,
): T {
  if (!row || !canSee(caller, row.departmentId)) throw notFound();
  return row;
}

export async function visibleDepartment(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(departments).where(eq(departments.id, id));
  // A department is its own department.
  if (!row || !canSee(caller, row.id)) throw new NotFound.department();
  return row;
}

export async function visibleUser(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return visible(caller, row, () => new NotFound.user());
}

export async function visibleClient(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(clients).where(eq(clients.id, id));
  return visible(caller, row, () => new NotFound.client());
}

export async function visibleRoom(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(rooms).where(eq(rooms.id, id));
  return visible(caller, row, () => new NotFound.room());
}

export async function visibleItem(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(items).where(eq(items.id, id));
  return visible(caller, row, () => new NotFound.item());
}

/**
 * What a new loan names, in one statement built once (a loan's creation is the API's hot path):
 * the item, the client or the room, the responsible user, and the borrower's preferences (the
 * client's, or for a room loan the responsible user's). A row that does not exist is null.
 */
const loanPartiesQuery = perDatabase((db: Database) =>
  db
    .select({
      item: items,
      client: clients,
      room: rooms,
      responsible: users,
      preferences: preferenceColumns(notificationPreferences),
    })
    .from(sql`(values (1)) as one (x)`)
    .leftJoin(items, eq(items.id, sql.placeholder('itemId')))
    .leftJoin(clients, eq(clients.id, sql.placeholder('clientId')))
    .leftJoin(rooms, eq(rooms.id, sql.placeholder('roomId')))
    .leftJoin(users, eq(users.id, sql.placeholder('responsibleUserId')))
    .leftJoin(notificationPreferences, borrowerPreferencesOn())
    .prepare('loan_parties'),
);

export interface LoanParties {
  item: typeof items.$inferSelect;
  /** The client or the room, whichever the loan names. */
  borrowerRow: typeof clients.$inferSelect | typeof rooms.$inferSelect;
  /** Null when there is no such user; not checked against the caller's scope. */
  responsible: typeof users.$inferSelect | null;
  /** Whom the loan's messages go to: the client, or for a room loan the responsible user. */
  recipient: Recipient | null;
}

/**
 * The rows a new loan names, as the caller may see them: a missing or foreign item, client or
 * room is a 404, in that order.
 */
export async function visibleLoanParties(
  db: Database,
  caller: Caller,
  ids: { itemId: string; clientId?: string | null; roomId?: string | null; responsibleUserId: string },
): Promise<LoanParties> {
  const [row] = await loanPartiesQuery(db).execute({
    itemId: ids.itemId,
    clientId: ids.clientId ?? null,
    roomId: ids.roomId ?? null,
    responsibleUserId: ids.responsibleUserId,
  });
  const { item, client, room, responsible, preferences } = row!;
  return {
    item: visible(caller, item, () => new NotFound.item()),
    borrowerRow: ids.clientId
      ? visible(caller, client, () => new NotFound.client())
      : visible(caller, room, () => new NotFound.room()),
    responsible,
    recipient: borrowerFrom(client, responsible, preferences),
  };
}
