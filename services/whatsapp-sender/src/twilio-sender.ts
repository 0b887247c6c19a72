import { PermanentDeliveryError, TransientDeliveryError } from '@rappel/queue';
import twilio from 'twilio';
import type { TwilioSettings } from './config';
import type { WhatsAppMessage, WhatsAppSender } from './whatsapp-sender';

/**
 * The Twilio adapter: the only file that imports `twilio`. Sends through the Messages API and
 * maps Twilio's answers to our delivery errors.
 */

/**
 * Twilio error codes that no retry can fix (https://www.twilio.com/docs/errors): invalid or
 * unreachable number, opted out, not a WhatsApp user, outside the 24-hour window without a
 * template, template or sender problems.
 */
export const PERMANENT_TWILIO_CODES = new Set([
  21211, // invalid 'To' number
  21212, // invalid 'From' number
  21408, // permission to send to this region not enabled
  21610, // recipient replied STOP
  21612, // 'To' not reachable via this channel
  21614, // 'To' is not a valid mobile number
  21617, // body too long
  21656, // invalid ContentVariables
  21655, // invalid ContentSid
  63003, // channel could not find the To address
  63007, // no channel with this From address
  63016, // outside the 24-hour window: freeform refused
  63024, // invalid message recipient
  63032, // user's WhatsApp is outdated / cannot receive
]);

interface RestLikeError {
  status?: number;
  code?: number | string;
  message?: string;
}

/** Maps whatever the SDK threw to a transient or permanent delivery error. */
export function mapTwilioError(error: unknown): TransientDeliveryError | PermanentDeliveryError {
  const e = (error ?? {}) as RestLikeError;
  const message = e.message ?? String(error);
  if (typeof e.status !== 'number') {
    // No HTTP answer: connection refused, reset, timeout, DNS.
    return new TransientDeliveryError(String(e.code ?? 'NETWORK'), message);
  }
  const code = typeof e.code === 'number' ? e.code : Number(e.code);
  const label = Number.isFinite(code) && code > 0 ? String(code) : `HTTP_${e.status}`;
  if (e.status === 429 || code === 20429 || e.status >= 500)
    return new TransientDeliveryError(label, message);
  if (PERMANENT_TWILIO_CODES.has(code)) return new PermanentDeliveryError(label, message);
  // Bad credentials are an operator's mistake that a fix can repair while we retry.
  if (e.status === 401 || e.status === 403) return new TransientDeliveryError(label, message);
  if (e.status >= 400) return new PermanentDeliveryError(label, message);
  return new TransientDeliveryError(label, message);
}

export function createTwilioSender(
  settings: TwilioSettings,
  options: { timeoutMs?: number } = {},
): WhatsAppSender {
  // Retries are ours (BullMQ with backoff), never the SDK's: one attempt per job attempt.
  const client = twilio(settings.accountSid, settings.authToken, {
    autoRetry: false,
    timeout: options.timeoutMs ?? 15_000,
    keepAlive: true,
  });
  // twilio 6: each product is a Domain whose `baseUrl` prefixes every request it makes;
  // pointing it elsewhere serves regional endpoints and the contract server in tests.
  client.api.baseUrl = settings.apiBaseUrl.replace(/\/$/, '');
  const sender = settings.from.startsWith('MG')
    ? { messagingServiceSid: settings.from }
    : { from: settings.from };

  return {
    provider: 'twilio',
    async send(message: WhatsAppMessage) {
      const content = message.content
        ? { contentSid: message.content.sid, contentVariables: JSON.stringify(message.content.variables) }
        : { body: message.body };
      try {
        const created = await client.messages.create({
          to: message.to,
          ...sender,
          ...content,
          statusCallback: settings.statusCallbackUrl,
        });
        return { providerMessageId: created.sid };
      } catch (error) {
        throw mapTwilioError(error);
      }
    },
  };
}
