import { PermanentDeliveryError, TransientDeliveryError } from '@rappel/queue';

/** What nodemailer puts on its errors (SMTP reply code, failing command, its own code). */
export interface SmtpErrorShape {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

/** Recipient refusals that will not change on a retry (RFC 5321 §4.2.3). */
const PERMANENT_RECIPIENT_CODES = new Set([550, 551, 552, 553, 554]);

const SYSTEM_CODE =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)\b/;

const describe = (e: SmtpErrorShape) => (e.response ?? e.message ?? 'SMTP error').slice(0, 500);

/**
 * Maps an SMTP send error to our two kinds:
 * - 5xx on RCPT TO (550–554) or on DATA (message refused as it is), or an envelope the client
 *   refuses to send (malformed address): permanent, with the reply code;
 * - 4xx, timeouts, refused/reset connections, DNS failures: transient;
 * - 535 (authentication failed) and other 5xx on the session (MAIL FROM, AUTH, EHLO): transient,
 *   because they are our configuration's fault and not the recipient's; they are counted under
 *   rappel_provider_errors_total{provider="smtp",code} so an alert sees them.
 */
export function mapSmtpError(error: unknown): TransientDeliveryError | PermanentDeliveryError {
  const e = (
    typeof error === 'object' && error !== null ? error : { message: String(error) }
  ) as SmtpErrorShape;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = (e.command ?? '').toUpperCase();
  if (reply !== undefined) {
    const code = String(reply);
    if (reply >= 500 && reply < 600) {
      const onRecipient = command.startsWith('RCPT') && PERMANENT_RECIPIENT_CODES.has(reply);
      const onMessage = command === 'DATA' || e.code === 'EMESSAGE';
      if (onRecipient || onMessage) return new PermanentDeliveryError(code, describe(e));
    }
    return new TransientDeliveryError(code, describe(e));
  }
  // No reply: nodemailer refused the envelope itself (bad address) or the network failed.
  if (e.code === 'EENVELOPE') return new PermanentDeliveryError('EENVELOPE', describe(e));
  // nodemailer wraps socket errors as ESOCKET/ECONNECTION; the system code says more.
  const system = SYSTEM_CODE.exec(e.message ?? '')?.[1];
  return new TransientDeliveryError(system ?? e.code ?? 'UNKNOWN', describe(e));
}
