import nodemailer from 'nodemailer';
import type { EmailTransport, OutgoingEmail } from './email-transport';
import { mapSmtpError } from './smtp-errors';

/**
 * The only file that imports nodemailer: the pooled SMTP transport, and the composer the
 * capture transport uses to write the same bytes an SMTP server would receive.
 */
export interface SmtpTransportOptions {
  /** smtp://user:pass@host:port, or smtps:// for implicit TLS. */
  url: string;
  /** Connections kept open to the server. */
  maxConnections: number;
  /** Milliseconds for connecting, greeting and each command. */
  timeoutMs?: number;
}

const toNodemailer = (mail: OutgoingEmail) => ({
  from: mail.from,
  to: mail.to,
  subject: mail.subject,
  text: mail.text,
  html: mail.html,
  headers: mail.headers,
  messageId: mail.messageId,
  attachments: mail.attachments.map((a) => ({
    filename: a.filename,
    content: a.content,
    contentType: a.contentType,
  })),
});

export function createSmtpTransport(options: SmtpTransportOptions): EmailTransport {
  const url = new URL(options.url);
  const timeout = options.timeoutMs ?? 30_000;
  const transporter = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    maxConnections: options.maxConnections,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    provider: 'smtp',
    async send(mail) {
      try {
        const info = await transporter.sendMail(toNodemailer(mail));
        // A refused recipient among several does not throw; ours is alone, so treat it as refused.
        if (info.rejected.length > 0) {
          throw Object.assign(new Error(info.response), info.rejectedErrors?.[0] ?? { code: 'EENVELOPE' });
        }
        return { messageId: info.messageId || mail.messageId };
      } catch (error) {
        throw mapSmtpError(error);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

/** The message as RFC 5322 bytes (what an SMTP server receives), for the local capture. */
export async function composeRawEmail(mail: OutgoingEmail): Promise<Buffer> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await composer.sendMail(toNodemailer(mail));
  return info.message as Buffer;
}
