import nodemailer from 'nodemailer';
import type { ProvidersConfig } from '../config';

/** One provider's verdict, in words an operator can act on. */
export interface ProviderCheck {
  provider: 'smtp' | 'twilio';
  /** ok: works; failed: configured but broken; not_configured: the local capture is used. */
  outcome: 'ok' | 'failed' | 'not_configured';
  message: string;
}

const TIMEOUT_MS = 10_000;
const PROBE_MESSAGE_SID = `SM${'0'.repeat(32)}`;

function describeSmtpError(error: unknown, where: string): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  if (e.responseCode === 535 || e.code === 'EAUTH') {
    return `${where} refused the user name or password (535 authentication failed): check the credentials in SMTP_URL.`;
  }
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message ?? ''))
    return `Nothing accepts connections at ${where}: wrong host or port in SMTP_URL?`;
  if (e.code === 'ENOTFOUND' || e.code === 'EDNS')
    return `The host of ${where} does not resolve: check SMTP_URL.`;
  if (e.code === 'ETIMEDOUT' || e.code === 'ECONNECTION' || e.code === 'ESOCKET') {
    return `Could not talk to ${where} (${e.code}: ${e.message}): firewall, wrong port, or TLS mismatch (smtps:// on 465, smtp:// with STARTTLS on 587).`;
  }
  return `${where} answered an error: ${e.message ?? String(error)}`;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host name does not resolve';
  if ((error as Error).name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return cause?.message ?? (error as Error).message;
}

/** Logs in to the SMTP server of SMTP_URL (connect, TLS, AUTH) without sending anything. */
export async function checkSmtp(smtpUrl: string | undefined): Promise<ProviderCheck> {
  if (!smtpUrl) {
    return {
      provider: 'smtp',
      outcome: 'not_configured',
      message: 'SMTP_URL is not set: e-mails are captured locally and not sent.',
    };
  }
  let where = 'the SMTP server';
  try {
    const url = new URL(smtpUrl);
    where = `the SMTP server ${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
  } catch {
    return {
      provider: 'smtp',
      outcome: 'failed',
      message: 'SMTP_URL is not a valid URL (smtp://user:password@host:port).',
    };
  }
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.verify();
    return { provider: 'smtp', outcome: 'ok', message: `Signed in to ${where}.` };
  } catch (error) {
    return { provider: 'smtp', outcome: 'failed', message: describeSmtpError(error, where) };
  } finally {
    transport.close();
  }
}

/**
 * Checks the Twilio account SID and auth token with one read-only call, and the WhatsApp
 * sender's format.
 */
export async function checkTwilio(config: ProvidersConfig): Promise<ProviderCheck> {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_WHATSAPP_FROM: from } = config;
  if (!sid && !token) {
    return {
      provider: 'twilio',
      outcome: 'not_configured',
      message:
        'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set: WhatsApp messages go to the console transport.',
    };
  }
  const missing = [
    !sid && 'TWILIO_ACCOUNT_SID',
    !token && 'TWILIO_AUTH_TOKEN',
    !from && 'TWILIO_WHATSAPP_FROM',
  ].filter(Boolean);
  if (missing.length > 0) {
    return {
      provider: 'twilio',
      outcome: 'failed',
      message: `Twilio is half configured: ${missing.join(', ')} missing.`,
    };
  }
  if (!/^AC[0-9a-f]{32}$/i.test(sid!)) {
    return {
      provider: 'twilio',
      outcome: 'failed',
      message: 'TWILIO_ACCOUNT_SID must look like AC followed by 32 hexadecimal characters.',
    };
  }
  if (!/^whatsapp:\+[1-9]\d{6,14}$/.test(from!)) {
    return {
      provider: 'twilio',
      outcome: 'failed',
      message:
        'TWILIO_WHATSAPP_FROM must be the sender as whatsapp:+<country code><number>, e.g. whatsapp:+14155238886.',
    };
  }
  // Reads a message SID that cannot exist: Twilio answers 404 (20404) once the credentials are
  // accepted and 401 (20003) otherwise, and no customer message is ever fetched.
  const url = new URL(
    `/2010-04-01/Accounts/${sid}/Messages/${PROBE_MESSAGE_SID}.json`,
    config.TWILIO_API_BASE_URL,
  );
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return {
      provider: 'twilio',
      outcome: 'failed',
      message: `Could not reach Twilio at ${url.origin}: ${networkReason(error)}.`,
    };
  }
  const body = (await response.json().catch(() => ({}))) as { code?: number; message?: string };
  if (response.ok || (response.status === 404 && body.code === 20404)) {
    return {
      provider: 'twilio',
      outcome: 'ok',
      message: `Twilio accepted the credentials of account ${sid}.`,
    };
  }
  const code = body.code ? ` (Twilio error ${body.code})` : '';
  const message =
    response.status === 401
      ? `Twilio refused the account SID and auth token${code}: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.`
      : `Twilio answered HTTP ${response.status}${code}: ${body.message ?? 'no details'}.`;
  return { provider: 'twilio', outcome: 'failed', message };
}

export async function checkProviders(config: ProvidersConfig): Promise<ProviderCheck[]> {
  return Promise.all([checkSmtp(config.SMTP_URL), checkTwilio(config)]);
}
