import type { NotificationKind } from '@rappel/contracts';

/** One WhatsApp message, ready for a provider. */
export interface WhatsAppMessage {
  /** `whatsapp:+E164`. */
  to: string;
  /** The free-form text; what is sent when no approved Content template is configured. */
  body: string;
  /** An approved Content template for this kind and language, with its numbered variables. */
  content?: { sid: string; variables: Record<string, string> };
}

export interface SendMeta {
  notificationId: string;
  kind: NotificationKind;
}

/**
 * The provider behind the WhatsApp channel. Implementations map their errors to
 * TransientDeliveryError / PermanentDeliveryError (@rappel/queue).
 */
export interface WhatsAppSender {
  /** Provider name for metrics and logs ("twilio", "console"). */
  readonly provider: string;
  send(message: WhatsAppMessage, meta: SendMeta): Promise<{ providerMessageId: string }>;
}
