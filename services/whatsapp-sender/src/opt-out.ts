import { clients, type Database, notificationPreferences, users } from '@rappel/db';
import { stopOnRecord } from '@rappel/delivery';
import { and, eq } from 'drizzle-orm';

/** Inbound words that turn WhatsApp off (trimmed, any case). */
const STOP_WORDS = new Set(['stop', 'arret', 'arrêt', 'unsubscribe']);
/** Inbound words that undo a STOP (trimmed, any case). */
const START_WORDS = new Set(['start', 'unstop', 'demarrer', 'démarrer']);

const isOneOf = (words: Set<string>) => (body: string | undefined) =>
  body !== undefined && words.has(body.normalize('NFC').trim().toLowerCase());

export const isStopRequest = isOneOf(STOP_WORDS);
export const isStartRequest = isOneOf(START_WORDS);

const CONSENT_SOURCE_INBOUND_START = 'inbound_start';

/**
 * An inbound STOP from `number` (E.164): WhatsApp off on every preferences row with that WhatsApp
 * number that has it on, the STOP recorded as the reason (`inbound_stop`, when): from then on
 * the number has a STOP on record, and every profile with it is skipped until a START. A row
 * already off keeps its reason: turned off at the desk or on the preferences page, it stays off
 * after a START. Clients and users whose phone it is and who have no preferences row get one, off
 * for the same reason; a row sending WhatsApp to another number is left alone, that number did
 * not answer STOP. Returns how many rows the STOP turned off or made.
 */
export async function optOutWhatsApp(db: Database, number: string, at: Date): Promise<number> {
  const off = {
    whatsappEnabled: false,
    whatsappOptOutAt: at,
    whatsappOptOutReason: 'inbound_stop',
    updatedAt: at,
  } as const;
  return db.transaction(async (tx) => {
    const byNumber = await tx
      .update(notificationPreferences)
      .set(off)
      .where(
        and(
          eq(notificationPreferences.whatsappNumber, number),
          eq(notificationPreferences.whatsappEnabled, true),
        ),
      )
      .returning({ id: notificationPreferences.id });
    const owners = [
      ...(await tx.select({ id: clients.id }).from(clients).where(eq(clients.phone, number))).map((c) => ({
        clientId: c.id,
      })),
      ...(await tx.select({ id: users.id }).from(users).where(eq(users.phone, number))).map((u) => ({
        userId: u.id,
      })),
    ];
    const made = owners.length
      ? await tx
          .insert(notificationPreferences)
          .values(owners.map((owner) => ({ ...owner, ...off })))
          .onConflictDoNothing()
          .returning({ id: notificationPreferences.id })
      : [];
    return byNumber.length + made.length;
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
    .where(stopOnRecord(number))
    .returning({ id: notificationPreferences.id });
  return rows.length;
}
