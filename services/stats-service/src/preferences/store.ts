import type { RecipientType } from '@rappel/contracts';
import { type Database, notificationPreferences } from '@rappel/db';
import { type ChannelPreferences, DEFAULT_PREFERENCES, whatsappOptOutChange } from '@rappel/domain';
import { eq } from 'drizzle-orm';

export type Owner = { type: RecipientType; id: string };

const column = (owner: Owner) =>
  owner.type === 'client' ? notificationPreferences.clientId : notificationPreferences.userId;
const ownerValues = (owner: Owner) =>
  owner.type === 'client' ? { clientId: owner.id } : { userId: owner.id };

/** The owner's saved preferences row; null when they have none yet. */
async function savedRow(db: Database, owner: Owner) {
  const [row] = await db
    .select()
    .from(notificationPreferences)
    .where(eq(column(owner), owner.id));
  return row ?? null;
}

export async function loadPreferences(db: Database, owner: Owner): Promise<ChannelPreferences> {
  const row = await savedRow(db, owner);
  if (!row) return { ...DEFAULT_PREFERENCES };
  return {
    emailEnabled: row.emailEnabled,
    whatsappEnabled: row.whatsappEnabled,
    whatsappNumber: row.whatsappNumber,
    reminderD2: row.reminderD2,
    reminderD1: row.reminderD1,
    reminderDueDay: row.reminderDueDay,
    reminder2h: row.reminder2h,
  };
}

/**
 * Saves what the person chose. Turning WhatsApp on records the consent (this page, now) and
 * clears any opt-out; turning it off records this page's opt-out (`whatsappOptOutChange`), which
 * is this profile's alone and which an inbound START does not undo. Turning e-mail off records
 * the opt-out time.
 */
export async function savePreferences(
  db: Database,
  owner: Owner,
  next: ChannelPreferences,
  now: Date,
): Promise<void> {
  const saved = await savedRow(db, owner);
  const before = saved ?? DEFAULT_PREFERENCES;
  const changes = {
    ...next,
    updatedAt: now,
    ...(next.whatsappEnabled && !before.whatsappEnabled
      ? { whatsappConsentSource: 'preferences_page', whatsappConsentAt: now }
      : {}),
    ...whatsappOptOutChange(saved, next, 'preferences_page', now),
    ...(!next.emailEnabled && before.emailEnabled ? { emailOptOutAt: now } : {}),
    ...(next.emailEnabled && !before.emailEnabled ? { emailOptOutAt: null } : {}),
  };
  await db
    .insert(notificationPreferences)
    .values({ ...ownerValues(owner), ...changes })
    .onConflictDoUpdate({ target: column(owner), set: changes });
}

/** RFC 8058 one-click unsubscribe: e-mail off, everything else unchanged. */
export async function unsubscribeEmail(db: Database, owner: Owner, now: Date): Promise<void> {
  const changes = { emailEnabled: false, emailOptOutAt: now, updatedAt: now };
  await db
    .insert(notificationPreferences)
    .values({ ...ownerValues(owner), ...changes })
    .onConflictDoUpdate({ target: column(owner), set: changes });
}
