import {
  baseEnvSchema,
  deliveryWorkerEnvSchema,
  envInt,
  envOptional,
  httpEnvSchema,
  linkSigningEnvSchema,
  loadConfig,
} from '@rappel/config';
import { LANGUAGES, NOTIFICATION_KINDS } from '@rappel/contracts';
import { z } from 'zod';

const CONTENT_KEY = new RegExp(`^(${NOTIFICATION_KINDS.join('|')}):(${LANGUAGES.join('|')})$`);

/** `{ "loan_created:fr": "HX…", … }`: approved WhatsApp Content templates by kind and language. */
const contentSids = z
  .string()
  .default('{}')
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().regex(CONTENT_KEY, 'keys are "<kind>:<fr|en>", e.g. "loan_created:fr"'),
      z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Content SID (HX + 32 hex)'),
    ),
  );

export const whatsappSenderEnvSchema = baseEnvSchema
  .extend(httpEnvSchema.shape)
  .extend(linkSigningEnvSchema.shape)
  .extend(deliveryWorkerEnvSchema.shape)
  .extend({
    PORT: envInt(3003, { min: 0, max: 65535 }),
    /** Without the three TWILIO_* credentials, messages go to the console transport. */
    TWILIO_ACCOUNT_SID: envOptional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC + 32 hex')),
    TWILIO_AUTH_TOKEN: envOptional(z.string().min(16)),
    /** A WhatsApp sender (`whatsapp:+E164`) or a Messaging Service SID (`MG…`). */
    TWILIO_WHATSAPP_FROM: envOptional(
      z.string().regex(/^(whatsapp:\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'must be whatsapp:+E164 or MG…'),
    ),
    /**
     * Twilio's API base URL: a regional one (https://api.dublin.ie1.twilio.com) or a test server.
     * Empty (`TWILIO_API_BASE_URL=` in a .env file) means the default, like unset.
     */
    TWILIO_API_BASE_URL: envOptional(z.url()).default('https://api.twilio.com'),
    /** Public URL of POST /twilio/status, as Twilio calls it (signatures are computed over it). */
    TWILIO_STATUS_CALLBACK_URL: envOptional(z.url()),
    /**
     * Public URL of POST /twilio/inbound. Default: beside the status callback, path prefix kept
     * (…/twilio/status → …/twilio/inbound); required when the status URL does not end so.
     */
    TWILIO_INBOUND_URL: envOptional(z.url()),
    TWILIO_CONTENT_SIDS: contentSids,
    /** BullMQ limiter across every worker of the queue, in messages per second. */
    WHATSAPP_RATE_LIMIT_PER_SECOND: envInt(80, { min: 1, max: 10_000 }),
    /** Jobs processed at once by one process. */
    WHATSAPP_CONCURRENCY: envInt(10, { min: 1, max: 500 }),
    /** Where the console transport writes what it would have sent (JSON lines). */
    WHATSAPP_CONSOLE_DIR: z.string().min(1).default('.rappel/whatsapp'),
  })
  .superRefine(
    (env, ctx) => {
      const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_WHATSAPP_FROM];
      if (twilio.some(Boolean)) {
        const names = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WHATSAPP_FROM'] as const;
        names.forEach((name, i) => {
          if (!twilio[i])
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'required when any TWILIO_* credential is set',
            });
        });
        if (!env.TWILIO_STATUS_CALLBACK_URL)
          ctx.addIssue({
            code: 'custom',
            path: ['TWILIO_STATUS_CALLBACK_URL'],
            message: 'required with Twilio: the public URL of POST /twilio/status',
          });
        else if (!env.TWILIO_INBOUND_URL && !inboundUrlBeside(env.TWILIO_STATUS_CALLBACK_URL))
          ctx.addIssue({
            code: 'custom',
            path: ['TWILIO_INBOUND_URL'],
            message:
              'required when TWILIO_STATUS_CALLBACK_URL does not end with /twilio/status: the public URL of POST /twilio/inbound',
          });
      }
      // Runs even when another variable is malformed, so every problem is listed at once.
    },
    { when: () => true },
  );

export type WhatsAppSenderConfig = ReturnType<typeof loadWhatsAppSenderConfig>;

export function loadWhatsAppSenderConfig(env: Record<string, string | undefined>) {
  return loadConfig(whatsappSenderEnvSchema, env);
}

/** What the Twilio adapter and the webhooks need; null means the console transport. */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  apiBaseUrl: string;
  statusCallbackUrl: string;
  inboundUrl: string;
}

export function twilioSettings(config: WhatsAppSenderConfig): TwilioSettings | null {
  const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM, TWILIO_STATUS_CALLBACK_URL } = config;
  if (!TWILIO_ACCOUNT_SID || !TWILIO_AUTH_TOKEN || !TWILIO_WHATSAPP_FROM || !TWILIO_STATUS_CALLBACK_URL)
    return null;
  return {
    accountSid: TWILIO_ACCOUNT_SID,
    authToken: TWILIO_AUTH_TOKEN,
    from: TWILIO_WHATSAPP_FROM,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
    statusCallbackUrl: TWILIO_STATUS_CALLBACK_URL,
    // Never '' after loadConfig, which requires TWILIO_INBOUND_URL when it cannot be derived
    // (and '' would only refuse every inbound message).
    inboundUrl: config.TWILIO_INBOUND_URL ?? inboundUrlBeside(TWILIO_STATUS_CALLBACK_URL) ?? '',
  };
}

/**
 * POST /twilio/inbound's public URL beside POST /twilio/status's, path prefix kept: behind a
 * proxy at `https://h/rappel/`, `https://h/rappel/twilio/status` → `https://h/rappel/twilio/inbound`
 * (Twilio signs the URL it calls, prefix included). Null when the status URL does not end with
 * /twilio/status: a proxy that rewrites paths some other way cannot be guessed.
 */
export function inboundUrlBeside(statusUrl: string): string | null {
  if (!URL.canParse(statusUrl)) return null;
  const status = new URL(statusUrl);
  return status.pathname.endsWith('/twilio/status') ? new URL('inbound', status).toString() : null;
}
