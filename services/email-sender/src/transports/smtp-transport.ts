import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
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
  // Our texts are French prose: mostly ASCII, so quoted-printable is what nodemailer would pick
  // anyway; naming it spares the scan of every part that chooses (~0.8 ms of CPU per e-mail).
  textEncoding: 'quoted-printable' as const,
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
        // The message is built in memory and handed over whole: streamed part by part, nodemailer
        // wrote each encoded chunk to the socket (25 writes per e-mail, 9 this way), and on a
        // loopback or a busy host every write wakes the peer.
        const { envelope, raw } = await composeEmail(mail);
        const info = await handOver(transporter.transporter as SMTPPool, envelope, raw, mail.messageId);
        // A refused recipient among several does not throw; ours is alone, so treat it as refused.
        if (info.rejected.length > 0) {
          throw Object.assign(new Error(info.response), info.rejectedErrors?.[0] ?? { code: 'EENVELOPE' });
        }
        return { messageId: mail.messageId };
      } catch (error) {
        throw mapSmtpError(error);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

interface Envelope {
  from: string;
  to: string[];
}

/**
 * Hands a built message to the pool as one buffer. `sendMail({ raw })` would compile it again
 * (a second MIME node, a generated Message-ID, a stream pipeline: ~0.2 ms of CPU per e-mail) only
 * to stream back the same bytes. The pool is a nodemailer transport, and a transport's
 * `send(mail, callback)` reads from `mail` only what this gives: `mail.data` (DSN options) and
 * `mail.message`'s envelope, Message-ID and a fresh stream of the message for each attempt
 * (https://nodemailer.com/transports/#custom-transports). The SMTP tests send through it to a
 * real SMTP server; a nodemailer upgrade that wanted more would fail them.
 */
function handOver(
  pool: SMTPPool,
  envelope: Envelope,
  raw: Buffer,
  messageId: string,
): Promise<SMTPPool.SentMessageInfo> {
  const mail = {
    data: {},
    message: {
      // The connection writes into the envelope (accepted, rejected…): a new one each time.
      getEnvelope: () => ({ from: envelope.from, to: [...envelope.to] }),
      messageId: () => messageId,
      getHeader: (name: string) => (name.toLowerCase() === 'message-id' ? messageId : undefined),
      createReadStream: () => Readable.from([raw], { objectMode: false }),
    },
  };
  return new Promise((resolve, reject) => {
    pool.send(mail as unknown as Parameters<SMTPPool['send']>[0], (error, info) =>
      error ? reject(error) : resolve(info!),
    );
  });
}

/** The message as RFC 5322 bytes, with the SMTP envelope its headers give. */
async function composeEmail(
  mail: OutgoingEmail,
): Promise<{ envelope: { from: string; to: string[] }; raw: Buffer }> {
  const node = new MailComposer(toNodemailer(mail)).compile();
  const { from, to } = node.getEnvelope();
  return { envelope: { from: from || '', to }, raw: await node.build() };
}

/** The message as RFC 5322 bytes (what an SMTP server receives), for the local capture. */
export async function composeRawEmail(mail: OutgoingEmail): Promise<Buffer> {
  return (await composeEmail(mail)).raw;
}
