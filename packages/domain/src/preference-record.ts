import type { WhatsAppOptOutReason } from '@rappel/contracts';
import { DEFAULT_PREFERENCES } from './channels';
import { type WhatsAppOptOutColumns, type WhatsAppSwitch, whatsappOptOutChange } from './whatsapp-opt-out';

/** Who changes preferences by hand: the desk (through the API) or the person on the preferences page. */
export type PreferenceEditor = Exclude<WhatsAppOptOutReason, 'inbound_stop'>;

/** The consent source recorded when a change turns WhatsApp on without naming one. */
const DEFAULT_CONSENT_SOURCE: Record<PreferenceEditor, string> = {
  desk: 'api',
  preferences_page: 'preferences_page',
};

/** What the decision reads of a saved preferences row. */
export interface SavedSwitches extends WhatsAppSwitch {
  emailEnabled: boolean;
}

/** The channel switches and WhatsApp number as the change leaves them. */
export interface NextSwitches {
  emailEnabled: boolean;
  whatsappEnabled: boolean;
  whatsappNumber: string | null;
}

export interface PreferenceChange {
  by: PreferenceEditor;
  /** A consent source the desk names (`whatsappConsentSource` in the API); the page names none. */
  consentSource?: string | undefined;
}

/** The consent and opt-out columns to write; a column left out keeps its value. */
export interface PreferenceRecordColumns extends WhatsAppOptOutColumns {
  whatsappConsentSource?: string | null;
  whatsappConsentAt?: Date | null;
  emailOptOutAt?: Date | null;
}

/**
 * What a change made by hand writes in a preferences row's consent and opt-out columns, from
 * `before` (null: no row yet, the defaults) to `after`. The desk and the preferences page both
 * write through this, so the two cannot record a change differently:
 * - WhatsApp turned on records the consent: the source named, else the editor's default
 *   (`api` at the desk, `preferences_page` on the page), at `now`. A source the desk names
 *   without turning WhatsApp on replaces the recorded source and keeps its time;
 * - the WhatsApp opt-out (who turned it off, and when) is `whatsappOptOutChange`'s;
 * - e-mail turned off records the time; turned on clears it.
 */
export function preferenceRecord(
  before: SavedSwitches | null,
  after: NextSwitches,
  change: PreferenceChange,
  now: Date,
): PreferenceRecordColumns {
  const was = before ?? { ...DEFAULT_PREFERENCES, whatsappOptOutReason: null };
  const turningOn = after.whatsappEnabled && !was.whatsappEnabled;
  const consent: PreferenceRecordColumns = turningOn
    ? {
        whatsappConsentSource: change.consentSource ?? DEFAULT_CONSENT_SOURCE[change.by],
        whatsappConsentAt: now,
      }
    : change.consentSource !== undefined
      ? { whatsappConsentSource: change.consentSource }
      : {};
  const email: PreferenceRecordColumns =
    after.emailEnabled === was.emailEnabled ? {} : { emailOptOutAt: after.emailEnabled ? null : now };
  return { ...consent, ...whatsappOptOutChange(before, after, change.by, now), ...email };
}
