import type { WhatsAppOptOutReason } from '@rappel/contracts';

/** A preferences row's WhatsApp switch, number and opt-out reason. */
export interface WhatsAppSwitch {
  whatsappEnabled: boolean;
  whatsappNumber: string | null;
  whatsappOptOutReason: WhatsAppOptOutReason | null;
}

/** The opt-out columns to write; a column left out keeps its value. */
export interface WhatsAppOptOutColumns {
  whatsappOptOutAt?: Date | null;
  whatsappOptOutReason?: WhatsAppOptOutReason | null;
}

/**
 * What a change made by hand (`by`: the desk, the preferences page) writes in a row's opt-out
 * columns, from `before` (null: no row yet, WhatsApp off by default) to `after`:
 * - on: no opt-out (the consent recorded beside it replaces any, an inbound STOP's included);
 * - turned off: `by`, at `now`. This opt-out is the profile's own: it neither speaks for the
 *   number's other profiles nor is undone by an inbound START;
 * - still off after an inbound STOP, with another number: `by` takes the opt-out over (its time
 *   kept), since the STOP was the old number's, not the new one's;
 * - otherwise unchanged.
 */
export function whatsappOptOutChange(
  before: WhatsAppSwitch | null,
  after: Pick<WhatsAppSwitch, 'whatsappEnabled' | 'whatsappNumber'>,
  by: Exclude<WhatsAppOptOutReason, 'inbound_stop'>,
  now: Date,
): WhatsAppOptOutColumns {
  if (after.whatsappEnabled) return { whatsappOptOutAt: null, whatsappOptOutReason: null };
  if (!before) return {};
  if (before.whatsappEnabled) return { whatsappOptOutAt: now, whatsappOptOutReason: by };
  if (before.whatsappOptOutReason === 'inbound_stop' && before.whatsappNumber !== after.whatsappNumber)
    return { whatsappOptOutReason: by };
  return {};
}
