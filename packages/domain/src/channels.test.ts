import {
  type Channel,
  NOTIFICATION_KINDS,
  type NotificationKind,
  PRE_DUE_REMINDER_KINDS,
  type PreDueReminderKind,
  type SkipReason,
} from '@rappel/contracts';
import { describe, expect, it } from 'vitest';
import {
  type ChannelDecision,
  type ChannelPreferences,
  DEFAULT_PREFERENCES,
  decideChannels,
} from './channels';

const EMAIL = 'awa@example.ga';
const PHONE = '+24106123456';
const WA = '+24177123456';
const contact = { email: EMAIL, phone: PHONE };

const prefs = (overrides: Partial<ChannelPreferences> = {}): ChannelPreferences => ({
  ...DEFAULT_PREFERENCES,
  whatsappEnabled: true,
  whatsappNumber: WA,
  ...overrides,
});

const TOGGLE_OF: Record<PreDueReminderKind, keyof ChannelPreferences> = {
  reminder_d2: 'reminderD2',
  reminder_d1: 'reminderD1',
  reminder_due_day: 'reminderDueDay',
  reminder_2h: 'reminder2h',
};
const NOT_TOGGLED = NOTIFICATION_KINDS.filter(
  (k) => !(PRE_DUE_REMINDER_KINDS as readonly string[]).includes(k),
);

const outcome = (d: ChannelDecision) => (d.send ? d.address : d.skipReason);

describe('DEFAULT_PREFERENCES', () => {
  it('e-mail on, WhatsApp off without a number, every reminder on; frozen', () => {
    expect(DEFAULT_PREFERENCES).toEqual({
      emailEnabled: true,
      whatsappEnabled: false,
      whatsappNumber: null,
      reminderD2: true,
      reminderD1: true,
      reminderDueDay: true,
      reminder2h: true,
    });
    expect(Object.isFrozen(DEFAULT_PREFERENCES)).toBe(true);
  });
});

describe('decideChannels', () => {
  it('no preferences row: e-mail sent, WhatsApp off, for every kind', () => {
    for (const kind of NOTIFICATION_KINDS) {
      expect(decideChannels(kind, null, contact)).toEqual([
        { channel: 'email', send: true, address: EMAIL },
        { channel: 'whatsapp', send: false, address: PHONE, skipReason: 'channel_off' },
      ]);
    }
  });

  it('both channels on: one decision per channel, e-mail first', () => {
    expect(decideChannels('loan_created', prefs(), contact)).toEqual([
      { channel: 'email', send: true, address: EMAIL },
      { channel: 'whatsapp', send: true, address: WA },
    ]);
  });

  it.each(NOTIFICATION_KINDS)('a channel switched off skips %s on that channel only', (kind) => {
    expect(decideChannels(kind, prefs({ emailEnabled: false }), contact).map(outcome)).toEqual([
      'channel_off',
      WA,
    ]);
    expect(decideChannels(kind, prefs({ whatsappEnabled: false }), contact).map(outcome)).toEqual([
      EMAIL,
      'channel_off',
    ]);
  });

  it.each(PRE_DUE_REMINDER_KINDS)('the %s toggle off skips it on both channels', (kind) => {
    expect(decideChannels(kind, prefs({ [TOGGLE_OF[kind]]: false }), contact)).toEqual([
      { channel: 'email', send: false, address: EMAIL, skipReason: 'toggle_off' },
      { channel: 'whatsapp', send: false, address: WA, skipReason: 'toggle_off' },
    ]);
  });

  it.each(PRE_DUE_REMINDER_KINDS)('%s is sent when only the other toggles are off', (kind) => {
    const others = Object.fromEntries(
      PRE_DUE_REMINDER_KINDS.filter((k) => k !== kind).map((k) => [TOGGLE_OF[k], false]),
    );
    expect(decideChannels(kind, prefs(others), contact).map(outcome)).toEqual([EMAIL, WA]);
  });

  it.each(NOT_TOGGLED)('%s ignores the reminder toggles (every one off)', (kind) => {
    const allOff = prefs({ reminderD2: false, reminderD1: false, reminderDueDay: false, reminder2h: false });
    expect(decideChannels(kind, allOff, contact).map(outcome)).toEqual([EMAIL, WA]);
  });

  it('overdue alerts honour the channel switches (the old system ignored opt-outs)', () => {
    expect(
      decideChannels('overdue', prefs({ emailEnabled: false, whatsappEnabled: false }), contact).map(outcome),
    ).toEqual(['channel_off', 'channel_off']);
  });

  it('no address: no_address, with the address null', () => {
    expect(decideChannels('overdue', prefs({ whatsappNumber: null }), { email: null, phone: null })).toEqual([
      { channel: 'email', send: false, address: null, skipReason: 'no_address' },
      { channel: 'whatsapp', send: false, address: null, skipReason: 'no_address' },
    ]);
  });

  it('blank addresses count as no address; addresses are trimmed', () => {
    expect(
      decideChannels('overdue', prefs({ whatsappNumber: '  ' }), { email: ' ', phone: '' }).map(outcome),
    ).toEqual(['no_address', 'no_address']);
    expect(
      decideChannels('overdue', prefs({ whatsappNumber: ` ${WA} ` }), {
        email: ` ${EMAIL}\n`,
        phone: null,
      }).map(outcome),
    ).toEqual([EMAIL, WA]);
  });

  it('WhatsApp goes to the number in the preferences, over the contact phone', () => {
    expect(decideChannels('reminder_d1', prefs(), contact)[1]).toEqual({
      channel: 'whatsapp',
      send: true,
      address: WA,
    });
  });

  it('WhatsApp falls back to the contact phone when the preferences have no number (null or blank)', () => {
    expect(decideChannels('reminder_d1', prefs({ whatsappNumber: null }), contact)[1]).toMatchObject({
      send: true,
      address: PHONE,
    });
    expect(decideChannels('reminder_d1', prefs({ whatsappNumber: '' }), contact)[1]).toMatchObject({
      send: true,
      address: PHONE,
    });
  });

  it('the first reason that applies wins: channel_off, then toggle_off, then no_address', () => {
    const none = { email: null, phone: null };
    const offAndToggledOff = prefs({ emailEnabled: false, whatsappEnabled: false, reminderD2: false });
    expect(decideChannels('reminder_d2', offAndToggledOff, none).map(outcome)).toEqual([
      'channel_off',
      'channel_off',
    ]);
    expect(
      decideChannels('reminder_d2', prefs({ reminderD2: false, whatsappNumber: null }), none).map(outcome),
    ).toEqual(['toggle_off', 'toggle_off']);
  });

  it('every combination of switches, toggles and addresses follows the rules', () => {
    const bools = [true, false];
    const addresses = [null, 'x'];
    let cases = 0;
    for (const kind of NOTIFICATION_KINDS)
      for (const emailEnabled of bools)
        for (const whatsappEnabled of bools)
          for (const toggleOn of bools)
            for (const email of addresses)
              for (const whatsappNumber of addresses)
                for (const phone of addresses) {
                  const p: ChannelPreferences = {
                    emailEnabled,
                    whatsappEnabled,
                    whatsappNumber: whatsappNumber && WA,
                    reminderD2: toggleOn,
                    reminderD1: toggleOn,
                    reminderDueDay: toggleOn,
                    reminder2h: toggleOn,
                  };
                  const c = { email: email && EMAIL, phone: phone && PHONE };
                  const toggledOff =
                    !toggleOn && (PRE_DUE_REMINDER_KINDS as readonly string[]).includes(kind);
                  const expected = (channel: Channel, enabled: boolean, address: string | null) => {
                    const reason: SkipReason | null = !enabled
                      ? 'channel_off'
                      : toggledOff
                        ? 'toggle_off'
                        : address === null
                          ? 'no_address'
                          : null;
                    return reason ? { channel, send: false, reason } : { channel, send: true, address };
                  };
                  const got = decideChannels(kind as NotificationKind, p, c).map((d) =>
                    d.send
                      ? { channel: d.channel, send: true, address: d.address }
                      : { channel: d.channel, send: false, reason: d.skipReason },
                  );
                  expect(got).toEqual([
                    expected('email', emailEnabled, c.email),
                    expected('whatsapp', whatsappEnabled, p.whatsappNumber ?? c.phone),
                  ]);
                  cases++;
                }
    expect(cases).toBe(NOTIFICATION_KINDS.length * 64);
  });

  it('does not modify the preferences or contact it is given', () => {
    const p = Object.freeze(prefs());
    const c = Object.freeze({ ...contact });
    expect(() => decideChannels('reminder_2h', p, c)).not.toThrow();
  });
});
