import type { Channel, DurationClass, Language, NotificationKind } from '@rappel/contracts';

/**
 * Everything a template may show, loaded once from the notification_log row and the rows it
 * points to (see messageContext in @rappel/delivery). Templates render from this alone:
 * no I/O, no clock.
 */
export interface MessageContext {
  kind: NotificationKind;
  channel: Channel;
  language: Language;
  /** Site zone: every date shown to a person is written in it. */
  zone: string;
  /** When the message is rendered: "how late" is measured from here. */
  now: Date;
  recipient: { name: string; address: string };
  department: { name: string; deskLocation: string };
  /** Absent for daily_report. */
  loan?: {
    id: string;
    startsAt: Date;
    dueAt: Date;
    returnedAt: Date | null;
    durationClass: DurationClass;
    notes: string | null;
  };
  item?: { name: string; inventoryNumber: string };
  /** Who has the item: a client (with room number for a guest) or a conference room. */
  borrower?: { name: string; roomNumber: string | null; kind: 'client' | 'room' };
  /** Overdue alert number (1..7). */
  occurrence?: number;
  /** Frozen extra data of the row: daily report figures, manual reminder author… */
  extra: Record<string, unknown>;
  links: { preferences: string; unsubscribe: string };
}
