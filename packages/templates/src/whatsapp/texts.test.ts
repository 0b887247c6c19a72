import { type Language, NOTIFICATION_KINDS, type NotificationKind } from '@rappel/contracts';
import { describe, expect, it } from 'vitest';
import type { MessageContext } from '../message-context';
import { contentVariables } from './content-variables';
import { plainText } from './plain-text';
import { renderWhatsAppText } from './texts';

const zone = 'Africa/Libreville';
const dueAt = new Date('2026-12-04T09:00:00Z'); // vendredi 4 décembre à 10:00, Libreville

function context(
  kind: NotificationKind,
  language: Language,
  over: Partial<MessageContext> = {},
): MessageContext {
  const now =
    kind === 'overdue' || kind === 'overdue_escalation'
      ? new Date('2026-12-06T12:00:00Z')
      : kind === 'reminder_2h'
        ? new Date('2026-12-04T07:00:00Z')
        : kind === 'reminder_d1'
          ? new Date('2026-12-03T08:00:00Z')
          : new Date('2026-12-02T08:00:00Z');
  return {
    kind,
    channel: 'whatsapp',
    language,
    zone,
    now,
    recipient: { name: 'Claire Martin', address: '+24106123456' },
    department: { name: 'Réception', deskLocation: 'Réception, rez-de-chaussée' },
    loan: {
      id: 'loan-1',
      startsAt: new Date('2026-12-01T08:00:00Z'),
      dueAt,
      returnedAt: kind === 'loan_returned' ? new Date('2026-12-04T10:30:00Z') : null,
      durationClass: 'long',
      notes: null,
    },
    item: { name: 'Vidéoprojecteur Epson', inventoryNumber: 'INV-0042' },
    borrower: { name: 'Claire Martin', roomNumber: '214', kind: 'client' },
    extra:
      kind === 'daily_report'
        ? {
            date: '2026-12-04',
            dueToday: [],
            overdue: [
              {
                loanId: '5b0b7c1e-7d3c-4f55-9a55-7f4fb0c6b001',
                itemName: 'Câble HDMI',
                inventoryNumber: 'INV-7',
                borrowerName: 'Paul',
                roomNumber: '12',
                dueAt: '2026-12-03T09:00:00.000Z',
              },
            ],
            yesterdayByStatus: { sent: 3, delivered: 2, permanent_failure: 1 },
            failuresToReview: [],
          }
        : {},
    links: { preferences: 'https://rappel.test/p/abc_def.sig', unsubscribe: 'https://rappel.test/u/x' },
    ...over,
  };
}

describe('WhatsApp texts', () => {
  for (const language of ['fr', 'en'] as const) {
    for (const kind of NOTIFICATION_KINDS) {
      it(`${kind} in ${language} names what it must and carries the preferences link`, () => {
        const text = renderWhatsAppText(context(kind, language));
        expect(text).toContain('https://rappel.test/p/abc_def.sig');
        expect(text.length).toBeLessThanOrEqual(1600);
        expect(text).not.toMatch(/undefined|null|NaN|\{\{/);
        expect(text).not.toMatch(/pénalit|penalt|amende|fine\b/i);
        if (kind !== 'daily_report') {
          expect(text).toContain('Vidéoprojecteur Epson');
          expect(text).toContain('INV-0042');
          expect(text).toContain(
            language === 'fr' ? 'vendredi 4 décembre à 10:00' : 'Friday 4 December at 10:00',
          );
          if (kind !== 'loan_returned') expect(text).toContain('Réception, rez-de-chaussée');
        }
        const vars = contentVariables(context(kind, language));
        expect(Object.keys(vars)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
        for (const v of Object.values(vars)) expect(v).toMatch(/^\S(.*\S)?$/);
      });
    }
  }

  it('says how late an overdue item is, and whether a return was late', () => {
    expect(renderWhatsAppText(context('overdue', 'fr'))).toContain('2 jours et 3 heures de retard');
    expect(renderWhatsAppText(context('overdue', 'en'))).toContain('2 days and 3 hours late');
    const returned = renderWhatsAppText(context('loan_returned', 'fr'));
    expect(returned).toContain('rendu le vendredi 4 décembre à 11:30');
    expect(returned).toContain('avec 1 heure et 30 minutes de retard');
    const onTime = context('loan_returned', 'en');
    onTime.loan!.returnedAt = new Date('2026-12-04T08:00:00Z');
    expect(renderWhatsAppText(onTime)).toContain('on time');
  });

  it('words reminders relative to when they go out', () => {
    expect(renderWhatsAppText(context('reminder_d1', 'fr'))).toContain('à rendre demain, le vendredi');
    expect(renderWhatsAppText(context('reminder_2h', 'en'))).toContain('due back in 2 hours');
    expect(contentVariables(context('reminder_d2', 'fr'))['6']).toBe('dans 2 jours');
  });

  it('names the borrower and the department in the managers’ escalation', () => {
    const text = renderWhatsAppText(
      context('overdue_escalation', 'fr', { recipient: { name: 'Marc', address: 'x' } }),
    );
    expect(text).toContain('Claire Martin (chambre 214)');
    expect(text).toContain('Bonjour Marc');
  });

  it('keeps names inert: no formatting injection, no line breaks, no control characters', () => {
    const ctx = context('loan_created', 'fr', {
      item: {
        name: '*GRATUIT* _cliquez_ ~ici~ ```x```\n\nNouveau message\u202e',
        inventoryNumber: 'INV\u0000-1',
      },
      borrower: { name: '<b>Eve</b>', roomNumber: null, kind: 'client' },
    });
    const text = renderWhatsAppText(ctx);
    expect(text).toContain('＊GRATUIT＊ ＿cliquez＿ ～ici～ ｀｀｀x｀｀｀ Nouveau message');
    expect(text).not.toContain('\u0000');
    expect(text).not.toContain('\u202e');
    expect(text).not.toContain('\n\nNouveau message');
    expect(contentVariables(ctx)['2']).not.toMatch(/[\n*_~`]/);
  });

  it('cuts an overlong value', () => {
    expect([...plainText('a'.repeat(500))].length).toBe(120);
  });
});
