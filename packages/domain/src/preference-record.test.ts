import { describe, expect, it } from 'vitest';
import { type NextSwitches, preferenceRecord, type SavedSwitches } from './preference-record';

const NOW = new Date('2026-03-02T09:00:00Z');
const NUMBER = '+24106123456';
const saved = (overrides: Partial<SavedSwitches> = {}): SavedSwitches => ({
  emailEnabled: true,
  whatsappEnabled: false,
  whatsappNumber: NUMBER,
  whatsappOptOutReason: null,
  ...overrides,
});
const next = (overrides: Partial<NextSwitches> = {}): NextSwitches => ({
  emailEnabled: true,
  whatsappEnabled: false,
  whatsappNumber: NUMBER,
  ...overrides,
});

describe('preferenceRecord (what the desk and the preferences page write beside the switches)', () => {
  it('records the consent when WhatsApp is turned on: the source named, else the editor’s own', () => {
    const on = next({ whatsappEnabled: true });
    for (const before of [null, saved(), saved({ whatsappOptOutReason: 'inbound_stop' })]) {
      expect(preferenceRecord(before, on, { by: 'preferences_page' }, NOW)).toEqual({
        whatsappConsentSource: 'preferences_page',
        whatsappConsentAt: NOW,
        whatsappOptOutAt: null,
        whatsappOptOutReason: null,
      });
      expect(preferenceRecord(before, on, { by: 'desk' }, NOW)).toMatchObject({
        whatsappConsentSource: 'api',
        whatsappConsentAt: NOW,
      });
      expect(preferenceRecord(before, on, { by: 'desk', consentSource: 'desk' }, NOW)).toMatchObject({
        whatsappConsentSource: 'desk',
        whatsappConsentAt: NOW,
      });
    }
  });

  it('keeps the consent of a WhatsApp already on; a source the desk names replaces the source only', () => {
    const stillOn = saved({ whatsappEnabled: true });
    const on = next({ whatsappEnabled: true });
    expect(preferenceRecord(stillOn, on, { by: 'preferences_page' }, NOW)).toEqual({
      whatsappOptOutAt: null,
      whatsappOptOutReason: null,
    });
    expect(preferenceRecord(stillOn, on, { by: 'desk', consentSource: 'desk' }, NOW)).toEqual({
      whatsappConsentSource: 'desk',
      whatsappOptOutAt: null,
      whatsappOptOutReason: null,
    });
  });

  it('records who turned WhatsApp off, and when, the consent kept as a record', () => {
    const stillOn = saved({ whatsappEnabled: true });
    expect(preferenceRecord(stillOn, next(), { by: 'desk' }, NOW)).toEqual({
      whatsappOptOutAt: NOW,
      whatsappOptOutReason: 'desk',
    });
    expect(preferenceRecord(stillOn, next(), { by: 'preferences_page' }, NOW)).toEqual({
      whatsappOptOutAt: NOW,
      whatsappOptOutReason: 'preferences_page',
    });
  });

  it('leaves an inbound STOP alone while WhatsApp stays off on its number', () => {
    const stopped = saved({ whatsappOptOutReason: 'inbound_stop' });
    expect(preferenceRecord(stopped, next(), { by: 'desk' }, NOW)).toEqual({});
    expect(preferenceRecord(stopped, next(), { by: 'preferences_page' }, NOW)).toEqual({});
  });

  it('records the time e-mail is turned off, and clears it when it is turned on', () => {
    for (const by of ['desk', 'preferences_page'] as const) {
      expect(preferenceRecord(null, next({ emailEnabled: false }), { by }, NOW)).toEqual({
        emailOptOutAt: NOW,
      });
      expect(preferenceRecord(saved(), next({ emailEnabled: false }), { by }, NOW)).toEqual({
        emailOptOutAt: NOW,
      });
      expect(preferenceRecord(saved({ emailEnabled: false }), next(), { by }, NOW)).toEqual({
        emailOptOutAt: null,
      });
      expect(
        preferenceRecord(saved({ emailEnabled: false }), next({ emailEnabled: false }), { by }, NOW),
      ).toEqual({});
    }
  });
});
