import { type Executor, notificationPreferences } from '@rappel/db';
import { type CountryCode, DEFAULT_PREFERENCES, toWhatsAppE164, whatsappOptOutChange } from '@rappel/domain';
import { eq } from 'drizzle-orm';
import { FieldValidationError } from '../http/errors';
import { toIsoOrNull } from '../http/schemas';
import type { PreferencesInput, PreferencesOutput } from './preferences.schemas';

export type PreferencesOwner = { clientId: string } | { userId: string };

type Row = typeof notificationPreferences.$inferSelect;

const ownerCondition = (owner: PreferencesOwner) =>
  'clientId' in owner
    ? eq(notificationPreferences.clientId, owner.clientId)
    : eq(notificationPreferences.userId, owner.userId);

function toOutput(row: Row | undefined): PreferencesOutput {
  return {
    emailEnabled: row?.emailEnabled ?? DEFAULT_PREFERENCES.emailEnabled,
    whatsappEnabled: row?.whatsappEnabled ?? DEFAULT_PREFERENCES.whatsappEnabled,
    whatsappNumber: row?.whatsappNumber ?? null,
    reminderD2: row?.reminderD2 ?? DEFAULT_PREFERENCES.reminderD2,
    reminderD1: row?.reminderD1 ?? DEFAULT_PREFERENCES.reminderD1,
    reminderDueDay: row?.reminderDueDay ?? DEFAULT_PREFERENCES.reminderDueDay,
    reminder2h: row?.reminder2h ?? DEFAULT_PREFERENCES.reminder2h,
    whatsappConsentSource: row?.whatsappConsentSource ?? null,
    whatsappConsentAt: toIsoOrNull(row?.whatsappConsentAt ?? null),
    whatsappOptOutAt: toIsoOrNull(row?.whatsappOptOutAt ?? null),
    saved: row !== undefined,
  };
}

/** The owner's preferences, or the defaults when none were saved. */
export async function readPreferences(db: Executor, owner: PreferencesOwner): Promise<PreferencesOutput> {
  const [row] = await db.select().from(notificationPreferences).where(ownerCondition(owner));
  return toOutput(row);
}

export interface WriteContext {
  /** The owner's phone, used as WhatsApp number when none is given. */
  ownerPhone: string | null;
  now: Date;
  region: CountryCode;
  /** Prefix of field paths in errors ("preferences." when nested in a create body). */
  fieldPrefix?: string;
}

/**
 * Merges `input` into the saved preferences (or the defaults) and saves them. WhatsApp on
 * needs a valid mobile number, given or taken from the owner's phone; turning it on records
 * where the consent came from and when, and clears any opt-out; turning it off records the
 * desk's opt-out (`whatsappOptOutChange`), which an inbound START does not undo.
 */
export async function writePreferences(
  db: Executor,
  owner: PreferencesOwner,
  input: PreferencesInput,
  ctx: WriteContext,
): Promise<PreferencesOutput> {
  const field = `${ctx.fieldPrefix ?? ''}whatsappNumber`;
  const [current] = await db
    .select()
    .from(notificationPreferences)
    .where(ownerCondition(owner))
    .for('update');
  let whatsappNumber = current?.whatsappNumber ?? null;
  if (input.whatsappNumber !== undefined) {
    whatsappNumber = input.whatsappNumber ? toWhatsAppE164(input.whatsappNumber, ctx.region) : null;
    if (input.whatsappNumber && !whatsappNumber) {
      throw new FieldValidationError(field, 'field.whatsapp_number_invalid');
    }
  }
  const whatsappEnabled = input.whatsappEnabled ?? current?.whatsappEnabled ?? false;
  if (whatsappEnabled && !whatsappNumber) {
    whatsappNumber = ctx.ownerPhone ? toWhatsAppE164(ctx.ownerPhone, ctx.region) : null;
    if (!whatsappNumber) throw new FieldValidationError(field, 'field.whatsapp_number_required');
  }
  const turningOn = whatsappEnabled && !current?.whatsappEnabled;
  const values = {
    emailEnabled: input.emailEnabled ?? current?.emailEnabled ?? DEFAULT_PREFERENCES.emailEnabled,
    whatsappEnabled,
    whatsappNumber,
    reminderD2: input.reminderD2 ?? current?.reminderD2 ?? DEFAULT_PREFERENCES.reminderD2,
    reminderD1: input.reminderD1 ?? current?.reminderD1 ?? DEFAULT_PREFERENCES.reminderD1,
    reminderDueDay: input.reminderDueDay ?? current?.reminderDueDay ?? DEFAULT_PREFERENCES.reminderDueDay,
    reminder2h: input.reminder2h ?? current?.reminder2h ?? DEFAULT_PREFERENCES.reminder2h,
    whatsappConsentSource: turningOn
      ? (input.whatsappConsentSource ?? 'api')
      : (input.whatsappConsentSource ?? current?.whatsappConsentSource ?? null),
    whatsappConsentAt: turningOn ? ctx.now : (current?.whatsappConsentAt ?? null),
    ...whatsappOptOutChange(current ?? null, { whatsappEnabled, whatsappNumber }, 'desk', ctx.now),
    updatedAt: ctx.now,
  };
  const [row] = current
    ? await db
        .update(notificationPreferences)
        .set(values)
        .where(eq(notificationPreferences.id, current.id))
        .returning()
    : await db
        .insert(notificationPreferences)
        .values({ ...owner, ...values })
        .returning();
  return toOutput(row);
}
