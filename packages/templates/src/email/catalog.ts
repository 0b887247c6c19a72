import type { Channel, Language, NotificationKind, NotificationStatus } from '@rappel/contracts';
import { en } from './catalog-en';
import { fr } from './catalog-fr';

/** Rows of the details table under the text, in the order given by each kind. */
export type DetailKey =
  | 'item'
  | 'borrower'
  | 'startsAt'
  | 'dueAt'
  | 'returnedAt'
  | 'lateBy'
  | 'desk'
  | 'notes';

/**
 * The words of one kind. Strings hold `{{placeholders}}` filled at send time (see
 * email-values.ts for the names); they are never parsed as MJML or HTML.
 */
export interface KindCopy {
  subject: string;
  /** Preview line shown by mail clients after the subject. */
  preheader: string;
  heading: string;
  paragraphs: readonly string[];
  details: readonly DetailKey[];
  /** Who reads it: the borrower, or a manager of the department. */
  audience: 'borrower' | 'manager';
}

/**
 * How far the due day is when a reminder is sent, in the site zone (see localDaysUntilDue):
 * `inDays` is two days or more ahead (`{{daysLeft}}`), `passed` a reminder sent after the due
 * instant.
 */
export type DueDay = 'today' | 'tomorrow' | 'inDays' | 'passed';

/** What a day-worded reminder says for one DueDay: its subject, heading, and when in a sentence. */
export interface DueDayCopy {
  subject: string;
  heading: string;
  /** Completes "… is due back " / "… est à rendre ". */
  when: string;
}

export interface EmailCatalog {
  kinds: Record<NotificationKind, KindCopy>;
  /**
   * The words of reminder_d2, reminder_d1 and reminder_due_day, chosen when the message is
   * rendered (`{{reminderSubject}}`, `{{reminderHeading}}`, `{{reminderWhen}}` in their copy).
   */
  dueDay: Record<DueDay, DueDayCopy>;
  detailLabels: Record<DetailKey, string>;
  /** The item as shown in the details table. */
  itemWithNumber: string;
  /** Between a label and its value in the plain-text part (" : " in French). */
  labelSeparator: string;
  greeting: string;
  greetingWithoutName: string;
  /** How the borrower is named to the borrower ("à votre nom") or for a room loan. */
  borrowerPhraseClient: string;
  borrowerPhraseRoom: string;
  /** A guest's room number after the name. */
  guestRoom: string;
  returnedOnTime: string;
  returnedLate: string;
  signature: string;
  brand: string;
  footer: Record<KindCopy['audience'], string>;
  preferencesLink: string;
  unsubscribeLink: string;
  noNotes: string;
  ics: { filename: string; summary: string; description: string };
  report: {
    dueToday: string;
    overdue: string;
    yesterday: string;
    failures: string;
    none: string;
    more: string;
    dueTodayLine: string;
    overdueLine: string;
    failureLine: string;
    noErrorCode: string;
    summary: (dueToday: number, overdue: number) => string;
    statuses: Record<NotificationStatus, string>;
    kinds: Record<NotificationKind, string>;
    channels: Record<Channel, string>;
  };
}

export const EMAIL_CATALOGS: Record<Language, EmailCatalog> = { fr, en };
