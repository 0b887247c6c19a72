import { type DailyReport, dailyReportSchema, type Language } from '@rappel/contracts';
import { DateTime } from 'luxon';
import { localDaysUntilDue } from '../due-day';
import { formatDate, formatDateTime, formatDuration } from '../format';
import type { MessageContext } from '../message-context';
import { plainText } from './plain-text';

/** What a loan message says, every value already made plain, inert text. */
export interface LoanFacts {
  recipient: string;
  item: string;
  inventoryNumber: string;
  /** "vendredi 4 décembre à 10:00". */
  due: string;
  /** Where to bring it back: the desk, else the department's name. */
  desk: string;
  department: string;
  /** The borrower as managers read it: "Claire Martin (chambre 214)", "salle Okoumé". */
  borrower: string;
  borrowerIsRoom: boolean;
  /** "demain", "dans 2 heures", "aujourd'hui"; null when a relative word would not help. */
  relativeDue: string | null;
  /** How late it is now (overdue) or was at return; null when not late. */
  lateBy: string | null;
  returnedAt: string | null;
  preferences: string;
}

export class MissingTemplateDataError extends Error {
  override readonly name = 'MissingTemplateDataError';
}

const ROOM_WORD: Record<Language, string> = { fr: 'chambre', en: 'room' };
const MEETING_ROOM_WORD: Record<Language, string> = { fr: 'salle', en: 'room' };

export function loanFacts(ctx: MessageContext): LoanFacts {
  const { loan, item, borrower } = ctx;
  if (!loan || !item || !borrower)
    throw new MissingTemplateDataError(`${ctx.kind} needs a loan, its item and its borrower`);
  const lang = ctx.language;
  const borrowerName = plainText(borrower.name);
  const label =
    borrower.kind === 'room'
      ? `${MEETING_ROOM_WORD[lang]} ${borrowerName}`
      : borrower.roomNumber
        ? `${borrowerName} (${ROOM_WORD[lang]} ${plainText(borrower.roomNumber, 20)})`
        : borrowerName;
  const lateUntil = loan.returnedAt ?? ctx.now;
  const lateMs = lateUntil.getTime() - loan.dueAt.getTime();
  return {
    recipient: plainText(ctx.recipient.name),
    item: plainText(item.name),
    inventoryNumber: plainText(item.inventoryNumber, 40),
    due: formatDateTime(loan.dueAt, ctx.zone, lang),
    desk: plainText(ctx.department.deskLocation) || plainText(ctx.department.name),
    department: plainText(ctx.department.name),
    borrower: label,
    borrowerIsRoom: borrower.kind === 'room',
    relativeDue: relativeDue(ctx, loan.dueAt),
    // A minute of grace: a return "at" the due time is on time.
    lateBy: lateMs >= 60_000 ? formatDuration(lateMs, lang) : null,
    returnedAt: loan.returnedAt ? formatDateTime(loan.returnedAt, ctx.zone, lang) : null,
    preferences: ctx.links.preferences,
  };
}

const DAY_WORDS: Record<Language, string[]> = {
  fr: ["aujourd'hui", 'demain', 'dans 2 jours'],
  en: ['today', 'tomorrow', 'in 2 days'],
};

/** For a due instant still ahead: within 4 hours "dans 2 heures", else the local-day word. */
function relativeDue(ctx: MessageContext, dueAt: Date): string | null {
  const days = localDaysUntilDue(ctx.now, dueAt, ctx.zone);
  if (days === null) return null;
  const ahead = dueAt.getTime() - ctx.now.getTime();
  if (ahead <= 4 * 3600_000)
    return ctx.language === 'fr'
      ? `dans ${formatDuration(ahead, 'fr')}`
      : `in ${formatDuration(ahead, 'en')}`;
  return DAY_WORDS[ctx.language][days] ?? null;
}

/** The daily report's figures, read from the row's frozen context. */
export interface ReportFacts {
  recipient: string;
  department: string;
  date: string;
  report: DailyReport;
  /** Messages of the previous day that went out / ended badly. */
  sent: number;
  failed: number;
  preferences: string;
}

export function reportFacts(ctx: MessageContext): ReportFacts {
  const parsed = dailyReportSchema.safeParse(ctx.extra);
  if (!parsed.success) throw new MissingTemplateDataError('daily_report has no valid report in its context');
  const report = parsed.data;
  const n = (s: keyof DailyReport['yesterdayByStatus']) => report.yesterdayByStatus[s] ?? 0;
  return {
    recipient: plainText(ctx.recipient.name),
    department: plainText(ctx.department.name),
    date: formatDate(DateTime.fromISO(report.date, { zone: ctx.zone }).toJSDate(), ctx.zone, ctx.language),
    report,
    sent: n('sent') + n('delivered') + n('read'),
    failed: n('permanent_failure') + n('undelivered'),
    preferences: ctx.links.preferences,
  };
}
