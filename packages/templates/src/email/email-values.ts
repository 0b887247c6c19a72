import type { NotificationKind } from '@rappel/contracts';
import { localDaysUntilDue } from '../due-day';
import { formatDateTime, formatDuration, formatTime } from '../format';
import type { MessageContext } from '../message-context';
import type { DueDay, EmailCatalog } from './catalog';
import { fillText } from './placeholders';

/** A message about a loan was asked for without the loan's data. */
export class TemplateDataError extends Error {
  override readonly name = 'TemplateDataError';
}

export type LoanContext = MessageContext & {
  loan: NonNullable<MessageContext['loan']>;
  item: NonNullable<MessageContext['item']>;
  borrower: NonNullable<MessageContext['borrower']>;
};

export function requireLoan(ctx: MessageContext): LoanContext {
  if (!ctx.loan || !ctx.item || !ctx.borrower) {
    throw new TemplateDataError(`${ctx.kind} needs a loan, an item and a borrower`);
  }
  return ctx as LoanContext;
}

/** Where to bring the item back: the desk, or the department when the desk is not set. */
export const deskOf = (ctx: MessageContext): string =>
  ctx.department.deskLocation.trim() || ctx.department.name;

/** "Claire Martin (chambre 214)", or the room's name for a room loan. */
export function borrowerLabel(
  borrower: { name: string; roomNumber: string | null },
  catalog: EmailCatalog,
): string {
  return borrower.roomNumber
    ? fillText(catalog.guestRoom, { name: borrower.name, room: borrower.roomNumber })
    : borrower.name;
}

/**
 * The text values every template of `ctx.kind` may use, as plain text (escaping happens when
 * they are put into HTML). Names: greeting, recipientName, department, desk, and for a loan:
 * itemName, inventoryNumber, borrowerName, borrowerPhrase, startsAt, dueAt, dueTime,
 * timeLeft, lateBy, returnedAt, returnedLateBy, returnNote, notes; and for a day-worded
 * reminder (D-2, D-1, due day): daysLeft, reminderSubject, reminderHeading, reminderWhen.
 */
export function emailValues(ctx: MessageContext, catalog: EmailCatalog): Record<string, string> {
  const department = ctx.department.name;
  const values: Record<string, string> = {
    recipientName: ctx.recipient.name,
    greeting: ctx.recipient.name.trim()
      ? fillText(catalog.greeting, { recipientName: ctx.recipient.name.trim() })
      : catalog.greetingWithoutName,
    department,
    desk: deskOf(ctx),
    preferencesUrl: ctx.links.preferences,
    unsubscribeUrl: ctx.links.unsubscribe,
  };
  if (ctx.kind === 'daily_report') return values;

  const { loan, item, borrower } = requireLoan(ctx);
  const when = (d: Date) => formatDateTime(d, ctx.zone, ctx.language);
  const now = ctx.now.getTime();
  const due = loan.dueAt.getTime();
  const returned = loan.returnedAt ?? ctx.now;
  const lateOnReturn = returned.getTime() - due;
  Object.assign(values, {
    itemName: item.name,
    inventoryNumber: item.inventoryNumber,
    borrowerName: borrowerLabel(borrower, catalog),
    borrowerPhrase:
      borrower.kind === 'room'
        ? fillText(catalog.borrowerPhraseRoom, { roomName: borrower.name })
        : catalog.borrowerPhraseClient,
    startsAt: when(loan.startsAt),
    dueAt: when(loan.dueAt),
    dueTime: formatTime(loan.dueAt, ctx.zone),
    timeLeft: formatDuration(Math.max(0, due - now), ctx.language),
    lateBy: formatDuration(Math.max(0, now - due), ctx.language),
    returnedAt: when(returned),
    returnedLateBy: formatDuration(Math.max(0, lateOnReturn), ctx.language),
    notes: loan.notes?.trim() || catalog.noNotes,
  });
  // A return within the minute of the due time counts as on time.
  values.returnNote = fillText(
    lateOnReturn >= 60_000 ? catalog.returnedLate : catalog.returnedOnTime,
    values,
  );
  if (DAY_WORDED_REMINDERS.has(ctx.kind)) {
    const days = localDaysUntilDue(ctx.now, loan.dueAt, ctx.zone);
    const words = catalog.dueDay[dueDayOf(days)];
    values.daysLeft = String(days ?? 0);
    values.reminderSubject = fillText(words.subject, values);
    values.reminderHeading = fillText(words.heading, values);
    values.reminderWhen = fillText(words.when, values);
  }
  return values;
}

/** Reminders whose words say how far the due day is (EmailCatalog.dueDay). */
const DAY_WORDED_REMINDERS: ReadonlySet<NotificationKind> = new Set([
  'reminder_d2',
  'reminder_d1',
  'reminder_due_day',
]);

/** Local days until due (localDaysUntilDue) as the catalog's DueDay. */
const dueDayOf = (days: number | null): DueDay =>
  days === null ? 'passed' : days === 0 ? 'today' : days === 1 ? 'tomorrow' : 'inDays';
