import { DELIVERY_ERROR_CODES } from '@rappel/contracts';
import { type Database, notificationPreferences, perDatabase } from '@rappel/db';
import {
  type DeliveryChannel,
  MissingMessageDataError,
  messageContext,
  stopOnRecord,
} from '@rappel/delivery';
import { type Clock, toWhatsAppE164 } from '@rappel/domain';
import { PermanentDeliveryError } from '@rappel/queue';
import { contentVariables, MissingTemplateDataError, renderWhatsAppText } from '@rappel/templates';
import { sql } from 'drizzle-orm';
import type { WhatsAppMessage, WhatsAppSender } from './whatsapp-sender';

export interface WhatsAppChannelOptions {
  db: Database;
  sender: WhatsAppSender;
  clock: Clock;
  zone: string;
  publicBaseUrl: string;
  linkSecret: string;
  linkTtlDays: number;
  /** Approved Content templates by `<kind>:<language>`. */
  contentSids: Readonly<Record<string, string>>;
}

/** The WhatsApp side of delivery: render the row's text (or template variables), send it. */
export function createWhatsAppChannel(options: WhatsAppChannelOptions): DeliveryChannel<WhatsAppMessage> {
  const { db, sender, clock } = options;
  return {
    channel: 'whatsapp',
    provider: sender.provider,
    async prepare(row) {
      if (!row.recipientAddress) return { skip: 'no_address' };
      const number = toWhatsAppE164(row.recipientAddress);
      if (!number)
        throw new PermanentDeliveryError(
          DELIVERY_ERROR_CODES.invalidNumber,
          'the recipient number cannot receive WhatsApp',
        );
      // A STOP that arrived after the row was made wins over the row. The claim looked for one
      // on the row's address; a number written another way is looked up as normalised.
      const stopped =
        number === row.recipientAddress ? row.related.addressOptedOut : await optedOut(db, number);
      if (stopped) return { skip: 'opted_out' };
      // So does WhatsApp turned off since in the recipient's own preferences.
      if (row.related.recipientWhatsAppOff) return { skip: 'channel_off' };
      try {
        const ctx = messageContext(row, {
          zone: options.zone,
          now: clock.now(),
          publicBaseUrl: options.publicBaseUrl,
          linkSecret: options.linkSecret,
          linkTtlDays: options.linkTtlDays,
        });
        const sid = options.contentSids[`${row.kind}:${row.language}`];
        return {
          to: `whatsapp:${number}`,
          body: renderWhatsAppText(ctx),
          ...(sid ? { content: { sid, variables: contentVariables(ctx) } } : {}),
        };
      } catch (error) {
        // Data that is missing now will still be missing on the next attempt.
        if (error instanceof MissingMessageDataError || error instanceof MissingTemplateDataError)
          throw new PermanentDeliveryError(DELIVERY_ERROR_CODES.missingData, error.message);
        throw error;
      }
    },
    send: (message, row) => sender.send(message, { notificationId: row.id, kind: row.kind }),
  };
}

/** A STOP on a number the row wrote another way than E.164 (the claim read the others). */
const optedOutQuery = perDatabase((db: Database) =>
  db
    .select({ id: notificationPreferences.id })
    .from(notificationPreferences)
    .where(stopOnRecord(sql.placeholder('number')))
    .limit(1)
    .prepare('whatsapp_opted_out'),
);

async function optedOut(db: Database, number: string): Promise<boolean> {
  const [row] = await optedOutQuery(db).execute({ number });
  return row !== undefined;
}
