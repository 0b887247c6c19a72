import type { Language } from '@rappel/contracts';
import { describe, expect, it } from 'vitest';
import { translator } from '../i18n';
import type { HistoryQuery } from '../notifications/filters';
import type { HistoryRow, NotificationDetail } from '../notifications/history';
import { detailPage, historyPage, historyTable } from './history';
import type { PageContext } from './layout';

const ctx = (lang: Language): PageContext => ({
  t: translator(lang),
  lang,
  viewer: null,
  url: '/notifications',
  csrfToken: 'token',
});

const row = (over: Partial<HistoryRow> = {}): HistoryRow => ({
  id: '0b9f4c6e-51a6-4d8e-9a57-2b0c3f1d7e10',
  createdAt: new Date('2025-03-10T09:00:00Z'),
  departmentId: '6c1f0d3a-8f0e-4b8e-9d7c-1f2e3d4c5b6a',
  departmentName: 'Prêt de matériel',
  loanId: null,
  kind: 'reminder_d1',
  channel: 'whatsapp',
  recipientType: 'client',
  recipientId: '7d2e1f4b-9a0f-4c9f-8e8d-2a3b4c5d6e7f',
  recipientAddress: '+24106123456',
  recipientName: 'Claire',
  status: 'skipped',
  skipReason: 'channel_off',
  attempts: 0,
  errorCode: null,
  errorMessage: null,
  scheduledAt: new Date('2025-03-10T09:00:00Z'),
  sentAt: null,
  deliveredAt: null,
  readAt: null,
  nextAttemptAt: null,
  ...over,
});

type Event = NotificationDetail['events'][number];
const detail = (over: Partial<HistoryRow>, events: Partial<Event>[]): NotificationDetail => ({
  ...row(over),
  providerMessageId: null,
  occurrence: '1',
  language: 'fr',
  durationClass: null,
  replacesId: null,
  failedAt: null,
  events: events.map((e, i) => ({
    id: i + 1,
    type: 'created',
    status: null,
    attempt: null,
    errorCode: null,
    detail: null,
    actor: null,
    at: new Date('2025-03-10T09:00:00Z'),
    ...e,
  })),
});

/** The text of the elements `selector` matches, tags dropped and spaces collapsed. */
function texts(markup: string, pattern: RegExp): string[] {
  return [...markup.matchAll(pattern)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#39;/g, "'")
      .replace(/\s+/g, ' ')
      .trim(),
  );
}
const eventRows = (page: string) => texts(page, /<tr data-event="[^"]*">([\s\S]*?)<\/tr>/g);

describe('why a message was skipped', () => {
  it('is said in the history list, in French and in English', () => {
    const rows = [
      row(),
      row({ id: '1b9f4c6e-51a6-4d8e-9a57-2b0c3f1d7e10', status: 'cancelled', skipReason: 'cancelled' }),
      row({ id: '2b9f4c6e-51a6-4d8e-9a57-2b0c3f1d7e10', status: 'sent', skipReason: null }),
    ];
    const fr = historyTable(ctx('fr'), rows, 'Africa/Libreville').value;
    expect(texts(fr, /<td>(<span class="badge[\s\S]*?)<\/td>/g)).toEqual([
      'Ignoré canal désactivé dans les préférences du destinataire',
      'Annulé le prêt a été annulé',
      'Envoyé',
    ]);
    const en = historyTable(ctx('en'), rows, 'Africa/Libreville').value;
    expect(en).toContain('channel turned off in the recipient’s preferences');
  });

  it('is said on the message page, even when no event was recorded', () => {
    const page = detailPage(ctx('fr'), detail({ skipReason: 'too_late' }, []), 'Africa/Libreville');
    expect(texts(page, /<dd data-testid="status">([\s\S]*?)<\/dd>/g)).toEqual([
      'Ignoré trop tard : le moment prévu était déjà passé',
    ]);
  });

  it('keeps an unknown stored reason readable rather than failing', () => {
    const page = historyTable(ctx('fr'), [row({ skipReason: 'some_future_reason' })], 'UTC').value;
    expect(page).toContain('some_future_reason');
  });
});

describe("the message page's events", () => {
  it('names each event and explains its details in the page language', () => {
    const events: Partial<Event>[] = [
      { type: 'skipped', status: 'skipped', detail: { reason: 'toggle_off' }, actor: 'whatsapp-sender' },
      {
        type: 'replayed',
        status: 'pending',
        actor: '3f1d7e10-51a6-4d8e-9a57-2b0c0b9f4c6e',
        detail: { by: 'Sandra Admin', role: 'super_admin', previousStatus: 'permanent_failure' },
      },
      { type: 'attempt', attempt: 2, actor: 'email-sender' },
      {
        type: 'callback',
        status: 'undelivered',
        errorCode: '30003',
        actor: 'twilio',
        detail: { twilioStatus: 'undelivered', applied: true, previousStatus: 'sent' },
      },
      {
        type: 'callback',
        status: 'read',
        actor: 'twilio',
        detail: { twilioStatus: 'delivered', applied: false, previousStatus: 'read' },
      },
      {
        type: 'fallback',
        actor: 'whatsapp-sender',
        errorCode: '30003',
        detail: { channel: 'email', notificationId: '9a57e10b-51a6-4d8e-9a57-2b0c3f1d7e10' },
      },
      { type: 'replayed', status: 'pending', actor: 'cli' },
      {
        type: 'failed',
        status: 'failed',
        errorCode: '421',
        actor: 'email-sender',
        detail: { message: 'try later' },
      },
      { type: 'sent', status: 'sent', actor: 'email-sender', detail: { providerMessageId: null } },
      { type: 'sent', status: 'sent', actor: 'worker', detail: { mystery: 'kept', n: 2 } },
    ];
    const page = detailPage(ctx('fr'), detail({ status: 'pending', skipReason: null }, events), 'UTC');
    expect(eventRows(page)).toEqual([
      '10/03/2025 09:00 Ignoré Ignoré Rappel (automatique) · motif : le destinataire a désactivé ce rappel',
      '10/03/2025 09:00 Renvoi demandé En attente Sandra Admin · rôle : super administrateur, statut précédent : Échec définitif',
      '10/03/2025 09:00 Tentative d’envoi #2 Rappel (automatique)',
      '10/03/2025 09:00 Statut reçu de WhatsApp Non remis 30003 Twilio · statut WhatsApp : Non remis, statut précédent : Envoyé',
      '10/03/2025 09:00 Statut reçu de WhatsApp Lu Twilio · statut WhatsApp : Remis, sans effet sur le statut, statut précédent : Lu',
      '10/03/2025 09:00 Message de secours créé 30003 Rappel (automatique) · canal : E-mail, voir le message de secours',
      '10/03/2025 09:00 Renvoi demandé En attente ligne de commande',
      '10/03/2025 09:00 Échec (nouvel essai prévu) Échec (nouvel essai prévu) 421 Rappel (automatique) · message du fournisseur : try later',
      '10/03/2025 09:00 Envoyé Envoyé Rappel (automatique)',
      '10/03/2025 09:00 Envoyé Envoyé worker · mystery : kept, n : 2',
    ]);
    expect(page).toContain('href="/notifications/9a57e10b-51a6-4d8e-9a57-2b0c3f1d7e10"');
    expect(page).not.toMatch(/toggle_off|super_admin|permanent_failure<|previousStatus|twilioStatus/);

    // A WhatsApp failure whose e-mail was already going out: no fallback, said as such.
    const noFallback: Partial<Event>[] = [
      {
        type: 'fallback',
        actor: 'whatsapp-sender',
        detail: {
          channel: 'email',
          notificationId: '9a57e10b-51a6-4d8e-9a57-2b0c3f1d7e10',
          reason: 'already_by_email',
        },
      },
    ];
    const fr = detailPage(ctx('fr'), detail({ status: 'undelivered', skipReason: null }, noFallback), 'UTC');
    expect(eventRows(fr)).toEqual([
      '10/03/2025 09:00 Pas de message de secours : l’e-mail part déjà Rappel (automatique) · canal : E-mail, voir l’e-mail',
    ]);
    expect(fr).not.toContain('already_by_email');
    const enNoFallback = detailPage(
      ctx('en'),
      detail({ status: 'undelivered', skipReason: null }, noFallback),
      'UTC',
    );
    expect(eventRows(enNoFallback)[0]).toContain(
      'No fallback: the e-mail is already going out Rappel (automatic) · channel: E-mail, see the e-mail',
    );

    const en = detailPage(
      ctx('en'),
      detail({ status: 'pending', skipReason: null }, events.slice(0, 2)),
      'UTC',
    );
    expect(eventRows(en).map((r) => r.replace(/^\S+ \S+ (AM|PM )?/, ''))).toEqual([
      expect.stringContaining(
        'Skipped Skipped Rappel (automatic) · reason: the recipient turned this reminder off',
      ),
      expect.stringContaining(
        'Replay requested Pending Sandra Admin · role: super admin, previous status: Permanent failure',
      ),
    ]);
  });

  it('says why no fallback was made when the e-mail had already failed at the same address', () => {
    const emailFailed: Partial<Event>[] = [
      {
        type: 'fallback',
        actor: 'whatsapp-sender',
        errorCode: '21211',
        detail: {
          channel: 'email',
          notificationId: '9a57e10b-51a6-4d8e-9a57-2b0c3f1d7e10',
          reason: 'email_failed',
        },
      },
    ];
    const model = detail({ status: 'permanent_failure', skipReason: null }, emailFailed);
    const fr = detailPage(ctx('fr'), model, 'UTC');
    expect(eventRows(fr)).toEqual([
      '10/03/2025 09:00 Pas de message de secours : l’e-mail à la même adresse a échoué 21211 Rappel (automatique) · canal : E-mail, voir l’e-mail',
    ]);
    expect(fr).toContain('href="/notifications/9a57e10b-51a6-4d8e-9a57-2b0c3f1d7e10"');
    expect(fr).not.toContain('email_failed');
    const en = detailPage(ctx('en'), model, 'UTC');
    expect(eventRows(en)[0]).toContain(
      'No fallback: the e-mail to the same address failed 21211 Rappel (automatic) · channel: E-mail, see the e-mail',
    );
    expect(en).not.toContain('email_failed');
  });
});

describe('the status filter', () => {
  const query = (status: HistoryQuery['status']): HistoryQuery => ({
    status,
    channel: ['whatsapp'],
    from: '2025-03-01',
    limit: 50,
  });
  const checked = (page: string) =>
    [...page.matchAll(/<input type="checkbox" name="status" value="(\w+)"( checked)?>/g)]
      .filter((m) => m[2])
      .map((m) => m[1]);
  const model = (status: HistoryQuery['status']) => ({
    query: query(status),
    rows: [row({ status: 'permanent_failure', skipReason: null })],
    nextCursor: 'CURSOR',
    departments: null,
    zone: 'UTC',
  });

  it('shows every chosen status, in a labelled group', () => {
    const page = historyPage(ctx('fr'), model(['permanent_failure', 'undelivered']));
    expect(checked(page)).toEqual(['permanent_failure', 'undelivered']);
    expect(page).toMatch(/<fieldset[^>]*>\s*<legend>Statut<\/legend>/);
    expect(checked(historyPage(ctx('fr'), model(['sent', 'delivered', 'read'])))).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
    expect(checked(historyPage(ctx('fr'), model(undefined)))).toEqual([]);
  });

  it('keeps the statuses in the next page, the CSV export and the bulk replay', () => {
    const page = historyPage(ctx('fr'), model(['permanent_failure', 'undelivered']));
    const statuses = (href: string) => new URLSearchParams(href.split('?')[1]).get('status');
    const next = /<a class="button secondary" href="([^"]+)" rel="next">/.exec(page)?.[1];
    const csv = /href="(\/v1\/notifications\.csv[^"]*)"/.exec(page)?.[1];
    const replay = /action="(\/notifications\/replay[^"]*)"/.exec(page)?.[1];
    for (const href of [next, csv, replay]) {
      expect(statuses(href!.replace(/&amp;/g, '&'))).toBe('permanent_failure,undelivered');
    }
  });
});
