import { type DailyReport, LANGUAGES, NOTIFICATION_KINDS } from '@rappel/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageContext } from '../message-context';
import { createEmailRenderer, type EmailRenderer } from './email-renderer';

const zone = 'Africa/Libreville';
const dueAt = new Date('2026-12-04T09:00:00Z');
const hostile = '<script>alert(1)</script><mj-text>x</mj-text>{{desk}}';

const report: DailyReport = {
  date: '2026-12-04',
  dueToday: [
    {
      loanId: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      itemName: 'Micro HF',
      inventoryNumber: 'INV-7',
      borrowerName: 'Paul Ekang',
      roomNumber: '12',
      dueAt: dueAt.toISOString(),
    },
  ],
  overdue: [],
  yesterdayByStatus: { sent: 4, permanent_failure: 1 },
  failuresToReview: [
    {
      notificationId: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e60',
      kind: 'overdue',
      channel: 'whatsapp',
      recipientName: 'Claire Martin',
      errorCode: '63016',
      failedAt: '2026-12-03T15:00:00Z',
    },
  ],
};

function context(overrides: Partial<MessageContext> = {}): MessageContext {
  return {
    kind: 'loan_created',
    channel: 'email',
    language: 'fr',
    zone,
    now: new Date('2026-12-04T11:30:00Z'),
    recipient: { name: 'Claire Martin', address: 'claire@example.test' },
    department: { name: 'Réception', deskLocation: 'Comptoir du hall, rez-de-chaussée' },
    loan: {
      id: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      startsAt: new Date('2026-12-01T08:00:00Z'),
      dueAt,
      returnedAt: null,
      durationClass: 'long',
      notes: null,
    },
    item: { name: 'Vidéoprojecteur Epson', inventoryNumber: 'INV-042' },
    borrower: { name: 'Claire Martin', roomNumber: '214', kind: 'client' },
    extra: {},
    links: { preferences: 'https://rappel.test/p/abc', unsubscribe: 'https://rappel.test/u/def' },
    ...overrides,
  };
}

/** French no-break spaces read as plain spaces, so expectations stay legible. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

let rendererOnce: EmailRenderer;
beforeAll(async () => {
  rendererOnce = await createEmailRenderer();
});
const renderer = {
  render(ctx: MessageContext) {
    const mail = rendererOnce.render(ctx);
    return { ...mail, subject: plain(mail.subject), text: plain(mail.text) };
  },
};

describe('email renderer', () => {
  it.each(NOTIFICATION_KINDS.flatMap((kind) => LANGUAGES.map((language) => [kind, language] as const)))(
    'renders %s in %s with every placeholder filled',
    (kind, language) => {
      const mail = renderer.render(context({ kind, language, extra: kind === 'daily_report' ? report : {} }));
      expect(mail.html).not.toMatch(/\{\{/);
      expect(mail.text).not.toMatch(/\{\{/);
      expect(mail.subject).not.toMatch(/\{\{|\n/);
      expect(mail.html).toContain('https://rappel.test/p/abc');
      expect(mail.text).toContain('https://rappel.test/p/abc');
      expect(mail.headers['List-Unsubscribe']).toBe('<https://rappel.test/u/def>');
      if (kind !== 'daily_report') {
        expect(mail.text).toContain('INV-042');
        expect(mail.text).toContain('Comptoir du hall');
        expect(mail.text).toContain(
          language === 'fr' ? 'vendredi 4 décembre à 10:00' : 'Friday 4 December at 10:00',
        );
      }
    },
  );

  it('says how late an overdue loan is, in French', () => {
    const mail = renderer.render(context({ kind: 'overdue' }));
    expect(mail.subject).toBe(
      'En retard : « Vidéoprojecteur Epson » était à rendre le vendredi 4 décembre à 10:00',
    );
    expect(mail.text).toContain('Il a maintenant 2 heures et 30 minutes de retard.');
    expect(mail.text).toContain('Retard : 2 heures et 30 minutes');
  });

  describe('words a reminder from when it is sent, not from its kind', () => {
    // Due Friday 4 December at 10:00 in Libreville (UTC+1); each case is the instant of sending.
    const cases = [
      ['today', '2026-12-04T07:00:00Z'],
      ['today, just after midnight there (still the 3rd in UTC)', '2026-12-03T23:30:00Z'],
      ['tomorrow', '2026-12-03T08:00:00Z'],
      ['in two days', '2026-12-02T08:00:00Z'],
      ['in five days', '2026-11-29T08:00:00Z'],
      ['once the due time has passed', '2026-12-04T09:30:00Z'],
    ] as const;
    const expected = {
      fr: [
        ['Aujourd’hui : « Vidéoprojecteur Epson » à rendre à 10:00', 'Retour aujourd’hui', 'aujourd’hui, le'],
        ['Aujourd’hui : « Vidéoprojecteur Epson » à rendre à 10:00', 'Retour aujourd’hui', 'aujourd’hui, le'],
        ['Rappel : « Vidéoprojecteur Epson » à rendre demain à 10:00', 'Retour demain', 'demain, le'],
        [
          'Rappel : « Vidéoprojecteur Epson » à rendre le vendredi 4 décembre à 10:00',
          'Retour dans 2 jours',
          'dans 2 jours, le',
        ],
        [
          'Rappel : « Vidéoprojecteur Epson » à rendre le vendredi 4 décembre à 10:00',
          'Retour dans 5 jours',
          'dans 5 jours, le',
        ],
        [
          'Rappel : « Vidéoprojecteur Epson » à rendre le vendredi 4 décembre à 10:00',
          'Rappel de retour',
          'le',
        ],
      ],
      en: [
        ['Today: “Vidéoprojecteur Epson” is due back at 10:00', 'Due back today', 'today,'],
        ['Today: “Vidéoprojecteur Epson” is due back at 10:00', 'Due back today', 'today,'],
        ['Reminder: “Vidéoprojecteur Epson” is due back tomorrow at 10:00', 'Due back tomorrow', 'tomorrow,'],
        [
          'Reminder: “Vidéoprojecteur Epson” is due back Friday 4 December at 10:00',
          'Due back in 2 days',
          'in 2 days,',
        ],
        [
          'Reminder: “Vidéoprojecteur Epson” is due back Friday 4 December at 10:00',
          'Due back in 5 days',
          'in 5 days,',
        ],
        ['Reminder: “Vidéoprojecteur Epson” is due back Friday 4 December at 10:00', 'Return reminder', ''],
      ],
    } as const;
    const line = {
      fr: (when: string) => `est à rendre ${when} vendredi 4 décembre à 10:00.`,
      en: (when: string) => `is due back ${when ? `${when} ` : ''}Friday 4 December at 10:00.`,
    };

    for (const language of LANGUAGES)
      cases.forEach(([label, now], i) => {
        const [subject, heading, when] = expected[language][i]!;
        it.each(['reminder_d2', 'reminder_d1', 'reminder_due_day'] as const)(
          `${label}, in ${language}, whatever the kind (%s)`,
          (kind) => {
            const mail = renderer.render(context({ kind, language, now: new Date(now) }));
            expect(mail.subject).toBe(subject);
            expect(mail.text.split('\n')[0]).toBe(heading);
            expect(mail.text).toContain(line[language](when));
            expect(plain(mail.html)).toContain(`>${heading}</div>`);
            expect(plain(mail.html)).toContain(line[language](when));
            expect(plain(mail.html)).toContain(`<title>${subject.replace(/"/g, '&quot;')}</title>`);
          },
        );
      });
  });

  it('says whether a returned loan was late', () => {
    const late = renderer.render(
      context({
        kind: 'loan_returned',
        loan: { ...context().loan!, returnedAt: new Date('2026-12-05T10:00:00Z') },
      }),
    );
    expect(late.text).toContain('Il a été rendu avec 1 jour et 1 heure de retard');
    const onTime = renderer.render(
      context({
        kind: 'loan_returned',
        loan: { ...context().loan!, returnedAt: new Date('2026-12-04T08:00:00Z') },
      }),
    );
    expect(onTime.text).toContain('Il a été rendu à temps');
  });

  it('keeps names and notes inert in the HTML', () => {
    const mail = renderer.render(
      context({
        kind: 'overdue_escalation',
        recipient: { name: hostile, address: 'm@example.test' },
        borrower: { name: hostile, roomNumber: null, kind: 'client' },
        loan: { ...context().loan!, notes: '<img src=x onerror=alert(1)>' },
      }),
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<mj-text>x');
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;mj-text&gt;x&lt;/mj-text&gt;');
    // The value stays text: its braces are not read as a placeholder.
    expect(mail.text).toContain(hostile);
  });

  it('attaches a calendar event at the due instant to loan_created only', () => {
    const mail = renderer.render(context());
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.content).toContain('DTSTART:20261204T090000Z');
    expect(renderer.render(context({ kind: 'reminder_d1' })).attachments).toHaveLength(0);
  });

  it('lists the daily report and escapes its values', () => {
    const mail = renderer.render(
      context({
        kind: 'daily_report',
        loan: undefined,
        item: undefined,
        borrower: undefined,
        extra: { ...report, overdue: [{ ...report.dueToday[0]!, borrowerName: hostile }] },
      }),
    );
    expect(mail.subject).toBe('Rapport du vendredi 4 décembre : Réception');
    expect(mail.text).toContain('1 retour attendu, 1 prêt en retard');
    expect(mail.text).toContain('Paul Ekang (chambre 12) : retour à 10:00');
    expect(mail.text).toContain('4 envoyés');
    expect(mail.text).toContain('Alerte de retard par WhatsApp à Claire Martin : 63016');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });

  it('refuses a daily report without its figures', () => {
    expect(() => renderer.render(context({ kind: 'daily_report', extra: {} }))).toThrow(/daily_report/);
  });
});
