import { resolve } from 'node:path';
import type { EmailSenderConfig } from '../config';
import { createCaptureTransport } from './capture-transport';
import type { EmailTransport } from './email-transport';
import { composeRawEmail, createSmtpTransport } from './smtp-transport';

/** SMTP when SMTP_URL is set, otherwise the local capture under CAPTURE_DIR. */
export function transportFromConfig(config: EmailSenderConfig): {
  transport: EmailTransport;
  captureDir: string | null;
} {
  if (config.SMTP_URL) {
    return {
      transport: createSmtpTransport({
        url: config.SMTP_URL,
        maxConnections: config.SMTP_MAX_CONNECTIONS,
        timeoutMs: config.SMTP_TIMEOUT_MS,
      }),
      captureDir: null,
    };
  }
  const dir = resolve(config.CAPTURE_DIR);
  return { transport: createCaptureTransport({ dir, compose: composeRawEmail }), captureDir: dir };
}
