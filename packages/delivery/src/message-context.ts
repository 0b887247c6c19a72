import { linkToken } from '@rappel/domain';
import type { MessageContext } from '@rappel/templates';
import type { ClaimedRow } from './notification-record';

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
 * What a template needs for one claimed row. The recipient's address is the one frozen in the
 * row when it was made; the loan, item and borrower are as the claim read them, i.e. as they are
 * now.
 */
export function messageContext(row: ClaimedRow, options: MessageContextOptions): MessageContext {
  if (!row.recipientAddress) throw new MissingMessageDataError(`notification ${row.id} has no address`);
  const { department, recipientName, loan, item, client, room } = row.related;
  if (!department) throw new MissingMessageDataError(`department ${row.departmentId} not found`);

  const base = options.publicBaseUrl.replace(/\/$/, '');
  const recipient = { type: row.recipientType, id: row.recipientId };
  const context: MessageContext = {
    kind: row.kind,
    channel: row.channel,
    language: row.language,
    zone: options.zone,
    now: options.now,
    recipient: { name: recipientName ?? '', address: row.recipientAddress },
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

  if (!loan || !item) throw new MissingMessageDataError(`loan ${row.loanId} not found`);

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
