import type { RecipientType } from '@rappel/contracts';
import { clients, type Database, departments, items, loans, preparedQuery, rooms, users } from '@rappel/db';
import { linkToken } from '@rappel/domain';
import type { MessageContext } from '@rappel/templates';
import { eq, sql } from 'drizzle-orm';
import type { NotificationRow } from './notification-record';

export interface MessageContextOptions {
  zone: string;
  now: Date;
  /** Base URL of the pages (stats-service), e.g. https://rappel.hotel.example. */
  publicBaseUrl: string;
  linkSecret: string;
  linkTtlDays: number;
}

export class MissingMessageDataError extends Error {
  override readonly name = 'MissingMessageDataError';
}

/**
 * One query for everything a message needs (it was three round trips per message), built once
 * per database and recipient table: it runs for every message.
 */
function contextQueryFor(recipientTable: typeof clients | typeof users) {
  return preparedQuery((db: Database) =>
    db
      .select({
        department: departments,
        recipientName: sql<string | null>`(select ${recipientTable.fullName} from ${recipientTable}
          where ${recipientTable.id} = ${sql.placeholder('recipientId')})`,
        loan: loans,
        item: items,
        client: clients,
        room: rooms,
      })
      .from(departments)
      // No loan (a daily report): loans.id = null joins nothing.
      .leftJoin(loans, eq(loans.id, sql.placeholder('loanId')))
      .leftJoin(items, eq(items.id, loans.itemId))
      .leftJoin(clients, eq(clients.id, loans.clientId))
      .leftJoin(rooms, eq(rooms.id, loans.roomId))
      .where(eq(departments.id, sql.placeholder('departmentId')))
      .prepare(`message_context_${recipientTable === clients ? 'client' : 'user'}`),
  );
}

const contextQuery: Record<RecipientType, ReturnType<typeof contextQueryFor>> = {
  client: contextQueryFor(clients),
  user: contextQueryFor(users),
};

/**
 * Loads what a template needs for one row. The recipient's address is the one frozen in the
 * row when it was made; the loan, item and borrower are read as they are now.
 */
export async function loadMessageContext(
  db: Database,
  row: NotificationRow,
  options: MessageContextOptions,
): Promise<MessageContext> {
  if (!row.recipientAddress) throw new MissingMessageDataError(`notification ${row.id} has no address`);
  const [found] = await contextQuery[row.recipientType](db).execute({
    departmentId: row.departmentId,
    loanId: row.loanId,
    recipientId: row.recipientId,
  });
  if (!found) throw new MissingMessageDataError(`department ${row.departmentId} not found`);
  const { department } = found;

  const base = options.publicBaseUrl.replace(/\/$/, '');
  const recipient = { type: row.recipientType, id: row.recipientId };
  const context: MessageContext = {
    kind: row.kind,
    channel: row.channel,
    language: row.language,
    zone: options.zone,
    now: options.now,
    recipient: { name: found.recipientName ?? '', address: row.recipientAddress },
    department: { name: department.name, deskLocation: department.deskLocation },
    extra: row.context ?? {},
    links: {
      preferences: `${base}/p/${linkToken(recipient, 'prefs', options.linkSecret, options.now, options.linkTtlDays)}`,
      unsubscribe: `${base}/u/${linkToken(recipient, 'unsubscribe', options.linkSecret, options.now, options.linkTtlDays)}`,
    },
  };
  const overdueNumber = /#(\d+)$/.exec(row.occurrence)?.[1];
  if (overdueNumber) context.occurrence = Number(overdueNumber);
  if (!row.loanId) return context;

  if (!found.loan || !found.item) throw new MissingMessageDataError(`loan ${row.loanId} not found`);
  const { loan, item, client, room } = found;

  context.loan = {
    id: loan.id,
    startsAt: loan.startsAt,
    dueAt: loan.dueAt,
    returnedAt: loan.returnedAt,
    durationClass: loan.durationClass,
    notes: loan.notes,
  };
  context.item = { name: item.name, inventoryNumber: item.inventoryNumber };
  context.borrower = client
    ? { name: client.fullName, roomNumber: client.roomNumber, kind: 'client' }
    : { name: room?.name ?? '', roomNumber: null, kind: 'room' };
  return context;
}
