import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

/**
 * An SMTP server on loopback that accepts everything and only notes, per message, when it was
 * accepted and for whom: the cheapest possible peer, so a figure measures the sender. (The
 * test server of @rappel/testing parses each message; a benchmark must not pay for that.)
 */
export interface SmtpSink {
  url: string;
  /** Messages accepted so far. */
  readonly count: number;
  /** Bytes of the messages accepted so far. */
  readonly bytes: number;
  /** performance.now() of the first acceptance for each recipient address (lower-cased). */
  readonly acceptedAt: Map<string, number>;
  /** Messages accepted per recipient address (lower-cased): more than one is a duplicate. */
  readonly perRecipient: Map<string, number>;
  /** Resolves once `n` messages were accepted in total. */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  let count = 0;
  let bytes = 0;
  const acceptedAt = new Map<string, number>();
  const perRecipient = new Map<string, number>();
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 0,
    onData(stream, session, callback) {
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('end', () => {
        const at = performance.now();
        count += 1;
        bytes += size;
        for (const rcpt of session.envelope.rcptTo) {
          const key = rcpt.address.toLowerCase();
          if (!acceptedAt.has(key)) acceptedAt.set(key, at);
          perRecipient.set(key, (perRecipient.get(key) ?? 0) + 1);
        }
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
    acceptedAt,
    perRecipient,
    waitFor(n, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (count < n) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`SMTP sink: ${count} of ${n} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    reset() {
      count = 0;
      bytes = 0;
      acceptedAt.clear();
      perRecipient.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
