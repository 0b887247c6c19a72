import { clients, type Database, notificationPreferences, users } from '@rappel/db';
import { and, eq } from 'drizzle-orm';

/** Inbound words that turn WhatsApp off (trimmed, any case). */
const STOP_WORDS = new Set(['stop', 'arret', 'arrêt', 'unsubscribe']);
/** Inbound words that undo a STOP (trimmed, any case). */
const START_WORDS = new Set(['start', 'unstop', 'demarrer', 'démarrer']);

const isOneOf = (words: Set<string>) => (body: string | undefined) =>
  body !== undefined && words.has(body.normalize('NFC').trim().toLowerCase());

export const isStopRequest = isOneOf(STOP_WORDS);
export const isStartRequest = isOneOf(START_WORDS);

export const OPT_OUT_REASON_INBOUND_STOP = 'inbound_stop';
const CONSENT_SOURCE_INBOUND_START = 'inbound_start';

/**
 * Turns WhatsApp off for everyone reachable at `number` (E.164): every preferences row with that
 * WhatsApp number, and every client or user whose phone it is (a row is created for those who
 * had none), recording when and why. Returns how many preference rows now say "off".
 */
export async function optOutWhatsApp(
  db: Database,
  number: string,
  at: Date,
  reason: string,
): Promise<number> {
  const off = { whatsappEnabled: false, whatsappOptOutAt: at, whatsappOptOutReason: reason, updatedAt: at };
  return db.transaction(async (tx) => {
    const byNumber = await tx
      .update(notificationPreferences)
      .set(off)
      .where(eq(notificationPreferences.whatsappNumber, number))
      .returning({ id: notificationPreferences.id });
    const ids = new Set(byNumber.map((r) => r.id));
    const owners = [
      ...(await tx.select({ id: clients.id }).from(clients).where(eq(clients.phone, number))).map((c) => ({
        clientId: c.id,
      })),
      ...(await tx.select({ id: users.id }).from(users).where(eq(users.phone, number))).map((u) => ({
        userId: u.id,
      })),
    ];
    for (const owner of owners) {
      const target = 'clientId' in owner ? notificationPreferences.clientId : notificationPreferences.userId;
      const [row] = await tx
        .insert(notificationPreferences)
        .values({ ...owner, ...off })
        .onConflictDoUpdate({ target, set: off })
        .returning({ id: notificationPreferences.id });
      if (row) ids.add(row.id);
    }
    return ids.size;
  });
}

/**
 * Undoes an inbound STOP: WhatsApp back on for the preference rows with this WhatsApp number that
 * a STOP turned off, the START recorded as their consent. Rows turned off another way (at the
 * desk, on the preferences page) stay off: a START answers a STOP, nothing else. Messages skipped
 * in between stay skipped. Returns how many rows are on again.
 */
export async function optInAgainWhatsApp(db: Database, number: string, at: Date): Promise<number> {
  const rows = await db
    .update(notificationPreferences)
    .set({
      whatsappEnabled: true,
      whatsappOptOutAt: null,
      whatsappOptOutReason: null,
      whatsappConsentSource: CONSENT_SOURCE_INBOUND_START,
      whatsappConsentAt: at,
      updatedAt: at,
    })
    .where(
      and(
        eq(notificationPreferences.whatsappNumber, number),
        eq(notificationPreferences.whatsappEnabled, false),
        eq(notificationPreferences.whatsappOptOutReason, OPT_OUT_REASON_INBOUND_STOP),
      ),
    )
    .returning({ id: notificationPreferences.id });
  return rows.length;
}
