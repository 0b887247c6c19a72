import { type Executor, notificationPreferences } from '@rappel/db';
import { type CountryCode, DEFAULT_PREFERENCES, preferenceRecord, toWhatsAppE164 } from '@rappel/domain';
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
    whatsappOptOutReason: row?.whatsappOptOutReason ?? null,
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
 * The owner's row, locked until the transaction ends (`FOR UPDATE`): an inbound STOP, another
 * write or the preferences page waits for this one, and this one for them.
 */
async function lockedRow(db: Executor, owner: PreferencesOwner): Promise<Row | undefined> {
  const [row] = await db.select().from(notificationPreferences).where(ownerCondition(owner)).for('update');
  return row;
}

/**
 * Merges `input` into the saved preferences (or the defaults) and saves them, the owner's row
 * locked from the read to the write. WhatsApp on needs a valid mobile number, given or taken from
 * the owner's phone. The consent and opt-out columns are `preferenceRecord`'s, as the desk's
 * (`by: 'desk'`): turning WhatsApp on records the consent, turning it off the desk's opt-out,
 * which an inbound START does not undo. Two first writes for an owner with no row yet do not
 * collide: the second finds the first's row when it inserts, and is made again from that row.
 * A body with no field (`{}`: a form saved without changes) writes nothing, as a PATCH.
 */
export async function writePreferences(
  db: Executor,
  owner: PreferencesOwner,
  input: PreferencesInput,
  ctx: WriteContext,
): Promise<PreferencesOutput> {
  if (Object.values(input).every((value) => value === undefined)) return readPreferences(db, owner);
  const current = await lockedRow(db, owner);
  const values = mergedValues(current, input, ctx);
  if (current) {
    const [row] = await db
      .update(notificationPreferences)
      .set(values)
      .where(eq(notificationPreferences.id, current.id))
      .returning();
    return toOutput(row);
  }
  const [made] = await db
    .insert(notificationPreferences)
    .values({ ...owner, ...values })
    .onConflictDoNothing()
    .returning();
  // Another first write made the row after our read (and has committed: the insert waited for it).
  return made ? toOutput(made) : writePreferences(db, owner, input, ctx);
}

function mergedValues(current: Row | undefined, input: PreferencesInput, ctx: WriteContext) {
  const field = `${ctx.fieldPrefix ?? ''}whatsappNumber`;
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
  const switches = {
    emailEnabled: input.emailEnabled ?? current?.emailEnabled ?? DEFAULT_PREFERENCES.emailEnabled,
    whatsappEnabled,
    whatsappNumber,
  };
  return {
    ...switches,
    reminderD2: input.reminderD2 ?? current?.reminderD2 ?? DEFAULT_PREFERENCES.reminderD2,
    reminderD1: input.reminderD1 ?? current?.reminderD1 ?? DEFAULT_PREFERENCES.reminderD1,
    reminderDueDay: input.reminderDueDay ?? current?.reminderDueDay ?? DEFAULT_PREFERENCES.reminderDueDay,
    reminder2h: input.reminder2h ?? current?.reminder2h ?? DEFAULT_PREFERENCES.reminder2h,
    ...preferenceRecord(
      current ?? null,
      switches,
      { by: 'desk', consentSource: input.whatsappConsentSource },
      ctx.now,
    ),
    updatedAt: ctx.now,
  };
}
