import type { RenderedEmail } from '@rappel/templates';

/** One message as handed to a transport: the rendered parts plus the envelope. */
export interface OutgoingEmail extends RenderedEmail {
  from: string;
  to: string;
  /** RFC 5322 Message-ID, `<…@…>`: stable per notification, so a resend carries the same one. */
  messageId: string;
}

/**
 * Where e-mail goes: a real SMTP server, or the local capture. Adapters map provider errors
 * to TransientDeliveryError / PermanentDeliveryError (see smtp-errors.ts).
 */
export interface EmailTransport {
  /** Provider name for metrics: "smtp" or "capture". */
  readonly provider: string;
  /** Resolves with the id the provider knows the message by. */
  send(mail: OutgoingEmail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}
