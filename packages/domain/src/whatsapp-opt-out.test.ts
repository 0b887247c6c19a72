import { describe, expect, it } from 'vitest';
import { type WhatsAppSwitch, whatsappOptOutChange } from './whatsapp-opt-out';

const NOW = new Date('2026-03-02T09:00:00Z');
const NUMBER = '+24106123456';
const row = (overrides: Partial<WhatsAppSwitch> = {}): WhatsAppSwitch => ({
  whatsappEnabled: true,
  whatsappNumber: NUMBER,
  whatsappOptOutReason: null,
  ...overrides,
});
const on = { whatsappEnabled: true, whatsappNumber: NUMBER };
const off = { whatsappEnabled: false, whatsappNumber: NUMBER };

describe('whatsappOptOutChange (a change made at the desk or on the preferences page)', () => {
  it('records who turned WhatsApp off, and when', () => {
    expect(whatsappOptOutChange(row(), off, 'desk', NOW)).toEqual({
      whatsappOptOutAt: NOW,
      whatsappOptOutReason: 'desk',
    });
    expect(whatsappOptOutChange(row(), off, 'preferences_page', NOW)).toEqual({
      whatsappOptOutAt: NOW,
      whatsappOptOutReason: 'preferences_page',
    });
  });

  it('clears any opt-out when WhatsApp is on, an inbound STOP included', () => {
    for (const before of [
      null,
      row({ whatsappEnabled: false, whatsappOptOutReason: 'inbound_stop' }),
      row({ whatsappEnabled: false, whatsappOptOutReason: 'desk' }),
      row(),
    ]) {
      expect(whatsappOptOutChange(before, on, 'desk', NOW)).toEqual({
        whatsappOptOutAt: null,
        whatsappOptOutReason: null,
      });
    }
  });

  it('leaves an opt-out alone while WhatsApp stays off on the same number', () => {
    for (const reason of ['inbound_stop', 'desk', 'preferences_page', null] as const) {
      const before = row({ whatsappEnabled: false, whatsappOptOutReason: reason });
      expect(whatsappOptOutChange(before, off, 'desk', NOW)).toEqual({});
    }
    expect(whatsappOptOutChange(null, off, 'preferences_page', NOW)).toEqual({});
  });

  it("takes over a STOP when the number changes, the STOP being the old number's", () => {
    const stopped = row({ whatsappEnabled: false, whatsappOptOutReason: 'inbound_stop' });
    const other = { whatsappEnabled: false, whatsappNumber: '+24107000000' };
    expect(whatsappOptOutChange(stopped, other, 'desk', NOW)).toEqual({ whatsappOptOutReason: 'desk' });
    expect(
      whatsappOptOutChange(stopped, { ...other, whatsappNumber: null }, 'preferences_page', NOW),
    ).toEqual({ whatsappOptOutReason: 'preferences_page' });
    const byDesk = row({ whatsappEnabled: false, whatsappOptOutReason: 'desk' });
    expect(whatsappOptOutChange(byDesk, other, 'preferences_page', NOW)).toEqual({});
  });
});
