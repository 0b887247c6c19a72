import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** The SMTP command a scripted answer replaces. */
export type SmtpStage = 'AUTH' | 'MAIL' | 'RCPT' | 'DATA';

/** One scripted refusal: `code` (421, 535, 550…) at `stage`, `times` times (always when absent). */
export interface SmtpFailure {
  stage: SmtpStage;
  code: number;
  message?: string;
  /** Only when this address is the recipient (RCPT, DATA); any recipient when absent. */
  recipient?: string;
  times?: number;
}

/** A message the server accepted, parsed by mailparser, with its SMTP envelope and raw source. */
export interface ReceivedMessage extends ParsedMail {
  envelope: { from: string | null; to: string[] };
  raw: Buffer;
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:port (add user:pass@ to make the client authenticate; any login is accepted). */
  url: string;
  port: number;
  /** Accepted messages, in arrival order (empty when started with `parse: false`). */
  messages: ReceivedMessage[];
  /** How many messages were accepted (counted with or without parsing). */
  readonly received: number;
  /** Every refusal the server gave, in order. */
  refusals: Array<{ stage: SmtpStage; code: number; recipient: string | null }>;
  /** Adds a scripted refusal (checked in the order added). */
  fail(failure: SmtpFailure): void;
  /** Forgets messages, refusals and scripted failures. */
  reset(): void;
  /** Resolves with the messages once at least `count` were accepted. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

class SmtpAnswer extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A real SMTP server in the test process on 127.0.0.1 (random port, no TLS, authentication
 * optional and always accepted unless scripted), for tests that send with a real SMTP client.
 */
export async function startTestSmtpServer(
  options: {
    failures?: SmtpFailure[];
    /** Parse and keep each message (default). Benchmarks turn it off to measure the sender alone. */
    parse?: boolean;
  } = {},
): Promise<TestSmtpServer> {
  const parse = options.parse ?? true;
  let received = 0;
  const scripted: Array<SmtpFailure & { left: number }> = [];
  const messages: ReceivedMessage[] = [];
  const refusals: TestSmtpServer['refusals'] = [];
  const waiters = new Set<() => void>();
  const fail = (f: SmtpFailure) => scripted.push({ ...f, left: f.times ?? Number.POSITIVE_INFINITY });

  /** The scripted refusal for this stage and recipient, if one is left; counts it down. */
  const refusal = (stage: SmtpStage, recipients: string[]): SmtpAnswer | null => {
    const match = scripted.find(
      (f) =>
        f.stage === stage &&
        f.left > 0 &&
        (f.recipient === undefined || recipients.some((r) => r.toLowerCase() === f.recipient!.toLowerCase())),
    );
    if (!match) return null;
    match.left -= 1;
    refusals.push({ stage, code: match.code, recipient: recipients[0] ?? null });
    return new SmtpAnswer(match.code, match.message ?? `scripted ${match.code} at ${stage}`);
  };
  const recipientsOf = (session: SMTPServerSession) => session.envelope.rcptTo.map((a) => a.address);

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const answer = refusal('AUTH', []);
      if (answer) return callback(answer);
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onMailFrom(_address, _session, callback) {
      callback(refusal('MAIL', []));
    },
    onRcptTo(address, _session, callback) {
      callback(refusal('RCPT', [address.address]));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const answer = refusal('DATA', recipientsOf(session));
        if (answer) return callback(answer);
        const raw = Buffer.concat(chunks);
        if (!parse) {
          received += 1;
          for (const wake of waiters) wake();
          return callback();
        }
        simpleParser(raw)
          .then((parsed) => {
            const from = session.envelope.mailFrom;
            messages.push(
              Object.assign(parsed, {
                envelope: { from: from ? from.address : null, to: recipientsOf(session) },
                raw,
              }),
            );
            received += 1;
            for (const wake of waiters) wake();
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  server.on('error', () => {});
  for (const f of options.failures ?? []) fail(f);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    get received() {
      return received;
    },
    refusals,
    fail,
    reset() {
      received = 0;
      messages.length = 0;
      refusals.length = 0;
      scripted.length = 0;
    },
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received < count) return;
          cleanup();
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`Timed out after ${timeoutMs} ms waiting for ${count} messages (got ${received})`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Parses raw RFC 5322 bytes the way the test server parses what it receives (e.g. a captured .eml). */
export const parseRawEmail = (raw: Buffer | string): Promise<ParsedMail> => simpleParser(raw);
