import { DELIVERY_ERROR_CODES } from '@rappel/contracts';
import { type DeliveryChannel, MissingMessageDataError, messageContext } from '@rappel/delivery';
import type { Clock } from '@rappel/domain';
import { PermanentDeliveryError } from '@rappel/queue';
import {
  type EmailRenderer,
  MissingTemplateValueError,
  TemplateCompileError,
  TemplateDataError,
} from '@rappel/templates';
import type { EmailTransport, OutgoingEmail } from './transports/email-transport';

export interface EmailChannelOptions {
  renderer: EmailRenderer;
  transport: EmailTransport;
  clock: Clock;
  /** RFC 5322 From, e.g. `"Rappel" <rappel@hotel.example>`. */
  from: string;
  zone: string;
  publicBaseUrl: string;
  linkSecret: string;
  linkTtlDays: number;
}

/** The domain of the From address, for our Message-IDs. */
export function messageIdDomain(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'rappel.invalid';
}

const UNRENDERABLE = [
  MissingMessageDataError,
  TemplateDataError,
  MissingTemplateValueError,
  TemplateCompileError,
];

/**
 * The e-mail channel for @rappel/delivery: prepare = load the row's context and fill the
 * precompiled template; send = hand it to the transport. The Message-ID is derived from the
 * row id, so if a crash ever made us send a row twice, mail clients would see one message.
 */
export function createEmailChannel(options: EmailChannelOptions): DeliveryChannel<OutgoingEmail> {
  const { renderer, transport, clock } = options;
  const domain = messageIdDomain(options.from);
  return {
    channel: 'email',
    provider: transport.provider,
    async prepare(row) {
      if (!row.recipientAddress) return { skip: 'no_address' };
      try {
        const context = messageContext(row, {
          zone: options.zone,
          now: clock.now(),
          publicBaseUrl: options.publicBaseUrl,
          linkSecret: options.linkSecret,
          linkTtlDays: options.linkTtlDays,
        });
        const rendered = renderer.render(context);
        return {
          ...rendered,
          headers: { ...rendered.headers, 'X-Rappel-Notification-Id': row.id },
          from: options.from,
          to: row.recipientAddress,
          messageId: `<${row.id}@${domain}>`,
        };
      } catch (error) {
        // Missing rows or data the template needs will not appear on a retry.
        if (UNRENDERABLE.some((type) => error instanceof type)) {
          throw new PermanentDeliveryError(DELIVERY_ERROR_CODES.renderFailed, (error as Error).message);
        }
        throw error;
      }
    },
    async send(message) {
      const { messageId } = await transport.send(message);
      return { providerMessageId: messageId };
    },
  };
}
