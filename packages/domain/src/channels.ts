import type { Channel, NotificationKind, PreDueReminderKind, SkipReason } from '@rappel/contracts';

/** The preference switches that decide a message's channels (a notification_preferences row). */
export interface ChannelPreferences {
  emailEnabled: boolean;
  whatsappEnabled: boolean;
  whatsappNumber: string | null;
  reminderD2: boolean;
  reminderD1: boolean;
  reminderDueDay: boolean;
  reminder2h: boolean;
}

/** No preferences row yet: e-mail on, WhatsApp off until someone consents, every reminder on. */
export const DEFAULT_PREFERENCES: ChannelPreferences = Object.freeze({
  emailEnabled: true,
  whatsappEnabled: false,
  whatsappNumber: null,
  reminderD2: true,
  reminderD1: true,
  reminderDueDay: true,
  reminder2h: true,
});

export interface Contact {
  email: string | null;
  phone: string | null;
}

export type ChannelDecision =
  | { channel: Channel; send: true; address: string }
  | { channel: Channel; send: false; address: string | null; skipReason: SkipReason };

const TOGGLE: Record<PreDueReminderKind, keyof ChannelPreferences> = {
  reminder_d2: 'reminderD2',
  reminder_d1: 'reminderD1',
  reminder_due_day: 'reminderDueDay',
  reminder_2h: 'reminder2h',
};

const isPreDue = (kind: NotificationKind): kind is PreDueReminderKind => Object.hasOwn(TOGGLE, kind);

/** An address made only of spaces is no address. */
const present = (address: string | null): string | null => (address?.trim() ? address.trim() : null);

/**
 * For one recipient and one kind, what happens on each channel. A pre-due reminder whose
 * toggle is off is skipped on both channels; every kind honours the channel switches
 * (overdue alerts included: the old system ignored opt-outs). The reason given is the first
 * that applies: channel_off, then toggle_off, then no_address. WhatsApp goes to the number in
 * the preferences, or else to the contact's phone.
 */
export function decideChannels(
  kind: NotificationKind,
  prefs: ChannelPreferences | null,
  contact: Contact,
): ChannelDecision[] {
  const p = prefs ?? DEFAULT_PREFERENCES;
  const toggledOff = isPreDue(kind) && !p[TOGGLE[kind]];
  const decide = (channel: Channel, enabled: boolean, address: string | null): ChannelDecision => {
    if (!enabled) return { channel, send: false, address, skipReason: 'channel_off' };
    if (toggledOff) return { channel, send: false, address, skipReason: 'toggle_off' };
    if (!address) return { channel, send: false, address: null, skipReason: 'no_address' };
    return { channel, send: true, address };
  };
  return [
    decide('email', p.emailEnabled, present(contact.email)),
    decide('whatsapp', p.whatsappEnabled, present(p.whatsappNumber) ?? present(contact.phone)),
  ];
}
