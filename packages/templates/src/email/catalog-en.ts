import type { EmailCatalog, KindCopy } from './catalog';

const reminder = (subject: string, heading: string, when: string): KindCopy => ({
  subject,
  preheader: 'Due back {{dueAt}}, at {{desk}}',
  heading,
  paragraphs: [
    '{{greeting}}',
    `A quick reminder: “{{itemName}}” (no. {{inventoryNumber}}), lent {{borrowerPhrase}}, is due back ${when}.`,
    'Please bring it back in time to: {{desk}}.',
  ],
  details: ['item', 'borrower', 'dueAt', 'desk'],
  audience: 'borrower',
});

/**
 * D-2, D-1 and due-day reminders say how far the due day is when they are sent (`dueDay`
 * below), not what their kind planned, so a late or a manual one stays true.
 */
const dayWordedReminder = reminder('{{reminderSubject}}', '{{reminderHeading}}', '{{reminderWhen}}');

export const en: EmailCatalog = {
  kinds: {
    loan_created: {
      subject: 'Loan recorded: “{{itemName}}”, due back {{dueAt}}',
      preheader: 'Please bring it back by {{dueAt}}, at {{desk}}',
      heading: 'Your loan is recorded',
      paragraphs: [
        '{{greeting}}',
        'We have recorded the loan of “{{itemName}}” (no. {{inventoryNumber}}) {{borrowerPhrase}}.',
        'Please bring it back by {{dueAt}}, to: {{desk}}.',
        'A calendar event is attached so you can add it to your calendar.',
      ],
      details: ['item', 'borrower', 'startsAt', 'dueAt', 'desk'],
      audience: 'borrower',
    },
    reminder_d2: dayWordedReminder,
    reminder_d1: dayWordedReminder,
    reminder_due_day: dayWordedReminder,
    reminder_2h: reminder(
      'Soon: “{{itemName}}” is due back at {{dueTime}}',
      'Due back in {{timeLeft}}',
      'in {{timeLeft}}, {{dueAt}}',
    ),
    overdue: {
      subject: 'Overdue: “{{itemName}}” was due back {{dueAt}}',
      preheader: '{{lateBy}} late: please bring it back as soon as you can',
      heading: 'Your loan is overdue',
      paragraphs: [
        '{{greeting}}',
        '“{{itemName}}” (no. {{inventoryNumber}}), lent {{borrowerPhrase}}, was due back {{dueAt}}. It is now {{lateBy}} late.',
        'Please bring it back as soon as you can, to: {{desk}}.',
        'If you have already returned it, please disregard this message.',
      ],
      details: ['item', 'borrower', 'dueAt', 'lateBy', 'desk'],
      audience: 'borrower',
    },
    loan_returned: {
      subject: 'Return recorded: “{{itemName}}”',
      preheader: 'Returned {{returnedAt}}',
      heading: 'Thank you, the return is recorded',
      paragraphs: [
        '{{greeting}}',
        'We received “{{itemName}}” (no. {{inventoryNumber}}) back on {{returnedAt}}.',
        '{{returnNote}}',
        'Thank you, and see you soon.',
      ],
      details: ['item', 'borrower', 'dueAt', 'returnedAt', 'desk'],
      audience: 'borrower',
    },
    overdue_escalation: {
      subject: '{{lateBy}} late: “{{itemName}}”, {{borrowerName}}',
      preheader: 'Was due back {{dueAt}}, at {{desk}}',
      heading: 'A loan in your department is overdue',
      paragraphs: [
        '{{greeting}}',
        '{{borrowerName}} has not yet returned “{{itemName}}” (no. {{inventoryNumber}}), due back {{dueAt}}. Currently {{lateBy}} late.',
        'It is expected back at: {{desk}}.',
      ],
      details: ['item', 'borrower', 'startsAt', 'dueAt', 'lateBy', 'desk', 'notes'],
      audience: 'manager',
    },
    daily_report: {
      subject: 'Report for {{reportDate}}: {{department}}',
      preheader: '{{reportSummary}}',
      heading: 'Daily report',
      paragraphs: [
        '{{greeting}}',
        'Here is the summary for {{reportDate}} for {{department}}: {{reportSummary}}.',
      ],
      details: [],
      audience: 'manager',
    },
  },
  dueDay: {
    today: {
      subject: 'Today: “{{itemName}}” is due back at {{dueTime}}',
      heading: 'Due back today',
      when: 'today, {{dueAt}}',
    },
    tomorrow: {
      subject: 'Reminder: “{{itemName}}” is due back tomorrow at {{dueTime}}',
      heading: 'Due back tomorrow',
      when: 'tomorrow, {{dueAt}}',
    },
    inDays: {
      subject: 'Reminder: “{{itemName}}” is due back {{dueAt}}',
      heading: 'Due back in {{daysLeft}} days',
      when: 'in {{daysLeft}} days, {{dueAt}}',
    },
    passed: {
      subject: 'Reminder: “{{itemName}}” is due back {{dueAt}}',
      heading: 'Return reminder',
      when: '{{dueAt}}',
    },
  },
  detailLabels: {
    item: 'Item',
    borrower: 'Borrower',
    startsAt: 'Loan start',
    dueAt: 'Due back',
    returnedAt: 'Returned',
    lateBy: 'Late by',
    desk: 'Return to',
    notes: 'Notes',
  },
  itemWithNumber: '{{itemName}} (no. {{inventoryNumber}})',
  labelSeparator: ': ',
  greeting: 'Hello {{recipientName}},',
  greetingWithoutName: 'Hello,',
  borrowerPhraseClient: 'in your name',
  borrowerPhraseRoom: 'for {{roomName}}',
  guestRoom: '{{name}} (room {{room}})',
  returnedOnTime: 'It came back on time (due {{dueAt}}).',
  returnedLate: 'It came back {{returnedLateBy}} late (due {{dueAt}}).',
  signature: 'The {{department}} team',
  brand: 'Rappel · {{department}}',
  footer: {
    borrower: 'You are receiving this message because an equipment loan is recorded with {{department}}.',
    manager: 'You are receiving this message as a manager of {{department}}.',
  },
  preferencesLink: 'Manage my notification preferences',
  unsubscribeLink: 'Stop these e-mails',
  noNotes: '—',
  ics: {
    filename: 'equipment-return.ics',
    summary: 'Return: {{itemName}} (no. {{inventoryNumber}})',
    description: 'Please bring “{{itemName}}” (no. {{inventoryNumber}}) back to: {{desk}}.',
  },
  report: {
    dueToday: 'Due back today',
    overdue: 'Overdue',
    yesterday: 'Yesterday’s messages',
    failures: 'Failures to review',
    none: 'None.',
    more: '… and {{count}} more.',
    dueTodayLine: '“{{itemName}}” (no. {{inventoryNumber}}), {{borrowerName}}: due at {{dueTime}}',
    overdueLine: '“{{itemName}}” (no. {{inventoryNumber}}), {{borrowerName}}: due {{dueAt}}, {{lateBy}} late',
    failureLine: '{{kind}} by {{channel}} to {{recipientName}}: {{errorCode}}, {{failedAt}}',
    noErrorCode: 'no code',
    summary: (due, late) =>
      `${due === 0 ? 'no returns due' : due === 1 ? '1 return due' : `${due} returns due`}, ${
        late === 0 ? 'no overdue loans' : late === 1 ? '1 overdue loan' : `${late} overdue loans`
      }`,
    statuses: {
      pending: 'pending',
      sent: 'sent',
      delivered: 'delivered',
      read: 'read',
      failed: 'failed (will retry)',
      permanent_failure: 'failed permanently',
      undelivered: 'undelivered',
      skipped: 'not sent (switched off or moot)',
      cancelled: 'cancelled',
    },
    kinds: {
      loan_created: 'Loan confirmation',
      reminder_2h: 'Reminder before due time',
      reminder_d2: 'Two-day reminder',
      reminder_d1: 'Day-before reminder',
      reminder_due_day: 'Due-day reminder',
      overdue: 'Overdue alert',
      loan_returned: 'Return confirmation',
      overdue_escalation: 'Manager alert',
      daily_report: 'Daily report',
    },
    channels: { email: 'e-mail', whatsapp: 'WhatsApp' },
  },
};
