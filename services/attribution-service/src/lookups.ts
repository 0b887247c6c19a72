import { clients, departments, type Executor, items, rooms, users } from '@rappel/db';
import { eq } from 'drizzle-orm';
import type { Caller } from './auth/api-keys';
import { canSee } from './auth/scope';
import { NotFound } from './http/errors';

/**
 * Rows by id as the caller may see them. A row of another department is reported exactly
 * like a missing one (404), so a scoped key learns nothing about other departments.
 */
export async function visibleDepartment(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(departments).where(eq(departments.id, id));
  if (!row || !canSee(caller, row.id)) throw new NotFound.department();
  return row;
}

export async function visibleUser(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row || !canSee(caller, row.departmentId)) throw new NotFound.user();
  return row;
}

export async function visibleClient(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(clients).where(eq(clients.id, id));
  if (!row || !canSee(caller, row.departmentId)) throw new NotFound.client();
  return row;
}

export async function visibleRoom(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(rooms).where(eq(rooms.id, id));
  if (!row || !canSee(caller, row.departmentId)) throw new NotFound.room();
  return row;
}

export async function visibleItem(db: Executor, caller: Caller, id: string) {
  const [row] = await db.select().from(items).where(eq(items.id, id));
  if (!row || !canSee(caller, row.departmentId)) throw new NotFound.item();
  return row;
}
