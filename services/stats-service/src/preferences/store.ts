import { createHash } from 'node:crypto';
import type { RecipientType, WhatsAppOptOutReason } from '@rappel/contracts';
import { type Database, type Executor, notificationPreferences } from '@rappel/db';
import { type ChannelPreferences, DEFAULT_PREFERENCES, preferenceRecord } from '@rappel/domain';
import { eq } from 'drizzle-orm';

export type Owner = { type: RecipientType; id: string };

type Row = typeof notificationPreferences.$inferSelect;

const column = (owner: Owner) =>
  owner.type === 'client' ? notificationPreferences.clientId : notificationPreferences.userId;
const ownerValues = (owner: Owner) =>
  owner.type === 'client' ? { clientId: owner.id } : { userId: owner.id };

/** The owner's saved preferences row; null when they have none yet. */
async function savedRow(db: Executor, owner: Owner, lock = false) {
  const query = db
    .select()
    .from(notificationPreferences)
    .where(eq(column(owner), owner.id));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

/** What the preferences page shows: the values, why WhatsApp is off, and the state the form carries back. */
export interface PreferencesView {
  values: ChannelPreferences;
  /** Who turned WhatsApp off (an inbound STOP, the desk, this page); null while it is on. */
  whatsappOptOutReason: WhatsAppOptOutReason | null;
  /** The WhatsApp state shown (`whatsappShown`), sent back by the form in a hidden field. */
  whatsappShown: string;
}

/**
 * A short digest of the WhatsApp state a page shows: the switch, the number and why it is off.
 * The form sends it back, and a save compares it with the state it finds locked, so a page shown
 * before an inbound STOP (or a change at the desk) cannot silently undo it.
 */
export function whatsappShown(row: Row | null): string {
  const state = [
    row?.whatsappEnabled ?? false,
    row?.whatsappNumber ?? null,
    row?.whatsappOptOutReason ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(state)).digest('base64url').slice(0, 22);
}

function viewOf(row: Row | null): PreferencesView {
  const values: ChannelPreferences = row
    ? {
        emailEnabled: row.emailEnabled,
        whatsappEnabled: row.whatsappEnabled,
        whatsappNumber: row.whatsappNumber,
        reminderD2: row.reminderD2,
        reminderD1: row.reminderD1,
        reminderDueDay: row.reminderDueDay,
        reminder2h: row.reminder2h,
      }
    : { ...DEFAULT_PREFERENCES };
  return {
    values,
    whatsappOptOutReason: row?.whatsappEnabled ? null : (row?.whatsappOptOutReason ?? null),
    whatsappShown: whatsappShown(row),
  };
}

export async function preferencesView(db: Database, owner: Owner): Promise<PreferencesView> {
  return viewOf(await savedRow(db, owner));
}

export async function loadPreferences(db: Database, owner: Owner): Promise<ChannelPreferences> {
  return (await preferencesView(db, owner)).values;
}

/**
 * The form would change WhatsApp (its switch or number) from a state other than the one its page
 * showed (`shown`; missing from a form of a page older than this check): an inbound STOP, the
 * desk or another tab changed it since. A form that leaves WhatsApp as it now is may be saved.
 */
function changesUnseenWhatsApp(
  saved: Row | null,
  shown: string | undefined,
  next: ChannelPreferences,
): boolean {
  if (shown === whatsappShown(saved)) return false;
  return (
    next.whatsappEnabled !== (saved?.whatsappEnabled ?? false) ||
    next.whatsappNumber !== (saved?.whatsappNumber ?? null)
  );
}

export type SaveResult = { saved: true } | { saved: false; current: PreferencesView };

/**
 * Saves what the person chose on a page that showed the WhatsApp state `shown`, in one
 * transaction that locks the owner's row from the read to the write, so an inbound STOP waits for
 * the save or the save for the STOP, and neither is lost. A form that would change WhatsApp from a
 * state it did not show is not saved: the answer is the current values, for the person to check.
 * The consent and opt-out columns are `preferenceRecord`'s, as the page's (`preferences_page`):
 * turning WhatsApp off here is this profile's alone, and an inbound START does not undo it.
 */
export async function savePreferences(
  db: Database,
  owner: Owner,
  next: ChannelPreferences,
  now: Date,
  shown: string | undefined,
): Promise<SaveResult> {
  return db.transaction((tx) => saveLocked(tx, owner, next, now, shown));
}

async function saveLocked(
  tx: Executor,
  owner: Owner,
  next: ChannelPreferences,
  now: Date,
  shown: string | undefined,
): Promise<SaveResult> {
  const saved = await savedRow(tx, owner, true);
  if (changesUnseenWhatsApp(saved, shown, next)) return { saved: false, current: viewOf(saved) };
  const changes = {
    ...next,
    ...preferenceRecord(saved, next, { by: 'preferences_page' }, now),
    updatedAt: now,
  };
  if (saved) {
    await tx.update(notificationPreferences).set(changes).where(eq(notificationPreferences.id, saved.id));
    return { saved: true };
  }
  const made = await tx
    .insert(notificationPreferences)
    .values({ ...ownerValues(owner), ...changes })
    .onConflictDoNothing()
    .returning({ id: notificationPreferences.id });
  // Another first save (or a STOP) made the row after our read, and has committed (the insert
  // waited for it): decide again from that row.
  return made.length ? { saved: true } : saveLocked(tx, owner, next, now, shown);
}

/** RFC 8058 one-click unsubscribe: e-mail off, everything else unchanged. */
export async function unsubscribeEmail(db: Database, owner: Owner, now: Date): Promise<void> {
  const changes = { emailEnabled: false, emailOptOutAt: now, updatedAt: now };
  await db
    .insert(notificationPreferences)
    .values({ ...ownerValues(owner), ...changes })
    .onConflictDoUpdate({ target: column(owner), set: changes });
}
