import { WHATSAPP_OPT_OUT_REASONS } from '@rappel/contracts';
import { z } from 'zod';
import { idParams, instantOut, singleLine } from '../http/schemas';

export const preferencesInput = z
  .object({
    emailEnabled: z.boolean(),
    whatsappEnabled: z.boolean(),
    /** Any format libphonenumber reads; stored as E.164. Null clears it (WhatsApp must then be off). */
    whatsappNumber: singleLine({ max: 40 }).nullable(),
    reminderD2: z.boolean(),
    reminderD1: z.boolean(),
    reminderDueDay: z.boolean(),
    reminder2h: z.boolean(),
    /** Where the consent to WhatsApp came from: "desk", "api", "preferences_page"… */
    whatsappConsentSource: singleLine({ min: 1, max: 100 }),
  })
  .partial()
  .strict()
  .describe('Preference changes; fields left out keep their value');
export type PreferencesInput = z.infer<typeof preferencesInput>;

export const preferencesOutput = z
  .object({
    emailEnabled: z.boolean(),
    whatsappEnabled: z.boolean(),
    whatsappNumber: z.string().nullable(),
    reminderD2: z.boolean(),
    reminderD1: z.boolean(),
    reminderDueDay: z.boolean(),
    reminder2h: z.boolean(),
    whatsappConsentSource: z.string().nullable(),
    whatsappConsentAt: instantOut.nullable(),
    whatsappOptOutAt: instantOut.nullable(),
    whatsappOptOutReason: z
      .enum(WHATSAPP_OPT_OUT_REASONS)
      .nullable()
      .describe(
        'Who turned WhatsApp off: inbound_stop (the number replied STOP; only a START from it undoes it), ' +
          'desk, preferences_page. Null while WhatsApp is on or was never turned off',
      ),
    /** False when no preferences were saved yet and these are the defaults. */
    saved: z.boolean(),
  })
  .meta({ id: 'Preferences' });
export type PreferencesOutput = z.infer<typeof preferencesOutput>;

export const preferencesRoute = { params: idParams, body: preferencesInput } as const;
