import type { DailyReportLoan, Language, NotificationKind } from '@rappel/contracts';
import { formatDateTime } from '../format';
import type { MessageContext } from '../message-context';
import { type LoanFacts, loanFacts, type ReportFacts, reportFacts } from './facts';
import { capBody, plainText } from './plain-text';

/**
 * The free-form WhatsApp text of every kind, French (default) and English. Short: who, what,
 * when, where to bring it back, and the preferences link. No penalties are ever mentioned.
 */
type LoanText = (f: LoanFacts) => string;

const fr = {
  hello: (f: { recipient: string }) => (f.recipient ? `Bonjour ${f.recipient},` : 'Bonjour,'),
  /** "matériel *Vidéoprojecteur* (n° INV-1)": the caller adds "le", "Le" or "du". */
  item: (f: LoanFacts) =>
    `matériel *${f.item}* (n° ${f.inventoryNumber})${f.borrowerIsRoom ? ` prêté pour la ${f.borrower}` : ''}`,
  prefs: (link: string) => `Vos préférences de notification : ${link}`,
  when: (f: LoanFacts) => (f.relativeDue ? `${f.relativeDue}, le ${f.due}` : `le ${f.due}`),
};

const en = {
  hello: (f: { recipient: string }) => (f.recipient ? `Hello ${f.recipient},` : 'Hello,'),
  item: (f: LoanFacts) =>
    `the item *${f.item}* (no. ${f.inventoryNumber})${f.borrowerIsRoom ? ` lent for ${f.borrower}` : ''}`,
  prefs: (link: string) => `Your notification preferences: ${link}`,
  when: (f: LoanFacts) => (f.relativeDue ? `${f.relativeDue}, ${f.due}` : `on ${f.due}`),
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const reminderFr: LoanText = (f) =>
  `${fr.hello(f)}\nRappel : le ${fr.item(f)} est à rendre ${fr.when(f)}, ici : ${f.desk}.\n\n${fr.prefs(f.preferences)}`;
const reminderEn: LoanText = (f) =>
  `${en.hello(f)}\nReminder: ${en.item(f)} is due back ${en.when(f)}, here: ${f.desk}.\n\n${en.prefs(f.preferences)}`;

const LOAN_TEXTS: Record<Language, Record<Exclude<NotificationKind, 'daily_report'>, LoanText>> = {
  fr: {
    loan_created: (f) =>
      `${fr.hello(f)}\nLe prêt du ${fr.item(f)} est enregistré.\nMerci de le rapporter au plus tard le ${f.due}, ici : ${f.desk}.\n\n${fr.prefs(f.preferences)}`,
    reminder_d2: reminderFr,
    reminder_d1: reminderFr,
    reminder_due_day: reminderFr,
    reminder_2h: reminderFr,
    overdue: (f) =>
      `${fr.hello(f)}\nLe ${fr.item(f)} était à rendre le ${f.due} : il a ${f.lateBy ?? 'un peu'} de retard.\nMerci de le rapporter dès que possible, ici : ${f.desk}. Si vous l'avez déjà rendu, ne tenez pas compte de ce message.\n\n${fr.prefs(f.preferences)}`,
    loan_returned: (f) =>
      `${fr.hello(f)}\nMerci ! Le ${fr.item(f)} a bien été rendu le ${f.returnedAt ?? f.due}, ${
        f.lateBy ? `avec ${f.lateBy} de retard (retour prévu le ${f.due})` : 'dans les temps'
      }.\n\n${fr.prefs(f.preferences)}`,
    overdue_escalation: (f) =>
      `${fr.hello(f)}\nPrêt en retard (${f.department}) : *${f.item}* (n° ${f.inventoryNumber}), prêté à ${f.borrower}, était à rendre le ${f.due}. Retard : ${f.lateBy ?? '-'}.\nRetour attendu ici : ${f.desk}.\n\n${fr.prefs(f.preferences)}`,
  },
  en: {
    loan_created: (f) =>
      `${en.hello(f)}\nThe loan of ${en.item(f)} is recorded.\nPlease bring it back by ${f.due}, here: ${f.desk}.\n\n${en.prefs(f.preferences)}`,
    reminder_d2: reminderEn,
    reminder_d1: reminderEn,
    reminder_due_day: reminderEn,
    reminder_2h: reminderEn,
    overdue: (f) =>
      `${en.hello(f)}\n${cap(en.item(f))} was due back on ${f.due}: it is now ${f.lateBy ?? 'a little'} late.\nPlease bring it back as soon as possible, here: ${f.desk}. If you have already returned it, please ignore this message.\n\n${en.prefs(f.preferences)}`,
    loan_returned: (f) =>
      `${en.hello(f)}\nThank you! ${cap(en.item(f))} was returned on ${f.returnedAt ?? f.due}, ${
        f.lateBy ? `${f.lateBy} late (it was due on ${f.due})` : 'on time'
      }.\n\n${en.prefs(f.preferences)}`,
    overdue_escalation: (f) =>
      `${en.hello(f)}\nOverdue loan (${f.department}): *${f.item}* (no. ${f.inventoryNumber}), lent to ${f.borrower}, was due back on ${f.due}. Late by: ${f.lateBy ?? '-'}.\nExpected back here: ${f.desk}.\n\n${en.prefs(f.preferences)}`,
  },
};

/** At most this many loans are listed per section of the report; the count is always given. */
const LISTED = 5;

function reportLines(lang: Language, loans: DailyReportLoan[], zone: string): string {
  const lines = loans.slice(0, LISTED).map((l) => {
    const who =
      plainText(l.borrowerName) +
      (l.roomNumber ? ` (${lang === 'fr' ? 'ch.' : 'rm'} ${plainText(l.roomNumber, 20)})` : '');
    const due = formatDateTime(new Date(l.dueAt), zone, lang);
    return `- ${plainText(l.itemName)} (${plainText(l.inventoryNumber, 40)}), ${who}, ${due}`;
  });
  const more = loans.length - LISTED;
  if (more > 0) lines.push(lang === 'fr' ? `- … et ${more} autre(s)` : `- … and ${more} more`);
  return lines.map((l) => `\n${l}`).join('');
}

function dailyReportText(ctx: MessageContext, f: ReportFacts): string {
  const r = f.report;
  const lines = (loans: DailyReportLoan[]) => reportLines(ctx.language, loans, ctx.zone);
  if (ctx.language === 'en') {
    return `${en.hello(f)}\nDaily report for ${f.date} (${f.department}):\nDue back today: ${r.dueToday.length}${lines(r.dueToday)}\nOverdue: ${r.overdue.length}${lines(r.overdue)}\nYesterday's messages: ${f.sent} sent, ${f.failed} failed. Failures to review: ${r.failuresToReview.length}.\nDetails on the Rappel dashboard.\n\n${en.prefs(f.preferences)}`;
  }
  return `${fr.hello(f)}\nRapport du ${f.date} (${f.department}) :\nÀ rendre aujourd'hui : ${r.dueToday.length}${lines(r.dueToday)}\nEn retard : ${r.overdue.length}${lines(r.overdue)}\nMessages d'hier : ${f.sent} envoyé(s), ${f.failed} en échec. Échecs à examiner : ${r.failuresToReview.length}.\nLe détail est sur le tableau de bord Rappel.\n\n${fr.prefs(f.preferences)}`;
}

/** The free-form text of a WhatsApp message (used when no approved Content template is configured). */
export function renderWhatsAppText(ctx: MessageContext): string {
  if (ctx.kind === 'daily_report') return capBody(dailyReportText(ctx, reportFacts(ctx)));
  return capBody(LOAN_TEXTS[ctx.language][ctx.kind](loanFacts(ctx)));
}
