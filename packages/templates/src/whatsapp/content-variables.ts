import type { Language, NotificationKind } from '@rappel/contracts';
import { formatDuration } from '../format';
import type { MessageContext } from '../message-context';
import { loanFacts, reportFacts } from './facts';

/**
 * The numbered variables of an approved WhatsApp Content template (`ContentVariables`), the
 * same numbering for every kind so one mapping serves the operator who writes the templates:
 *
 * | var | meaning |
 * |-----|---------|
 * | 1 | recipient's name |
 * | 2 | item name (daily_report: department) |
 * | 3 | inventory number (daily_report: count of loans due today) |
 * | 4 | due date and time, "vendredi 4 décembre à 10:00" (daily_report: the report's date) |
 * | 5 | where to bring it back (desk, else department) |
 * | 6 | what this kind adds: see CONTENT_VARIABLE_6 |
 * | 7 | preferences link |
 *
 * Values are one line of inert text (Twilio/WhatsApp refuse newlines in variables) and never empty.
 */
export const CONTENT_VARIABLE_6: Record<NotificationKind, string> = {
  loan_created: 'who has it: "Claire Martin (chambre 214)" or "salle Okoumé"',
  reminder_d2: 'when, relative: "dans 2 jours"',
  reminder_d1: 'when, relative: "demain"',
  reminder_due_day: 'when, relative: "aujourd\'hui"',
  reminder_2h: 'when, relative: "dans 2 heures"',
  overdue: 'how late: "2 jours et 3 heures"',
  loan_returned:
    'when it came back and whether late: "vendredi 4 décembre à 11:30, avec 1 heure et 30 minutes de retard"',
  overdue_escalation: 'borrower and how late: "Claire Martin (chambre 214), 2 heures de retard"',
  daily_report: 'summary: "2 en retard, 1 échec à examiner"',
};

const LATE: Record<Language, (d: string) => string> = {
  fr: (d) => `${d} de retard`,
  en: (d) => `${d} late`,
};
const ON_TIME: Record<Language, string> = { fr: 'dans les temps', en: 'on time' };

const oneLine = (value: string) => value.replace(/\s+/g, ' ').trim() || '-';

export function contentVariables(ctx: MessageContext): Record<string, string> {
  const lang = ctx.language;
  if (ctx.kind === 'daily_report') {
    const f = reportFacts(ctx);
    const summary =
      lang === 'fr'
        ? `${f.report.overdue.length} en retard, ${f.report.failuresToReview.length} échec(s) à examiner`
        : `${f.report.overdue.length} overdue, ${f.report.failuresToReview.length} failure(s) to review`;
    return numbered([
      f.recipient,
      f.department,
      String(f.report.dueToday.length),
      f.date,
      f.department,
      summary,
      f.preferences,
    ]);
  }
  const f = loanFacts(ctx);
  const late = f.lateBy ? LATE[lang](f.lateBy) : ON_TIME[lang];
  const detail: Record<NotificationKind, string> = {
    loan_created: f.borrower,
    reminder_d2: f.relativeDue ?? f.due,
    reminder_d1: f.relativeDue ?? f.due,
    reminder_due_day: f.relativeDue ?? f.due,
    reminder_2h: f.relativeDue ?? f.due,
    overdue: f.lateBy ?? formatDuration(0, lang),
    loan_returned: `${f.returnedAt ?? f.due}, ${late}`,
    overdue_escalation: `${f.borrower}, ${late}`,
    daily_report: '',
  };
  return numbered([f.recipient, f.item, f.inventoryNumber, f.due, f.desk, detail[ctx.kind], f.preferences]);
}

const numbered = (values: string[]): Record<string, string> =>
  Object.fromEntries(values.map((v, i) => [String(i + 1), oneLine(v)]));
