import { performance } from 'node:perf_hooks';
import {
  startTwilioContractServer,
  type TwilioContractServer,
} from '../../packages/testing/src/twilio-server';

/**
 * The Twilio contract server of @rappel/testing, watched: notes when each created message
 * arrived, by its `To` number. The server keeps messages in an array; a 1 ms poll reads the new
 * ones, so arrival times are accurate to about a millisecond plus event-loop lag (the same lag
 * the SMTP sink's timestamps have).
 */
export interface TwilioProbe {
  server: TwilioContractServer;
  readonly count: number;
  /** performance.now() of the first message to each number (`+E164`, without `whatsapp:`). */
  readonly acceptedAt: Map<string, number>;
  /** Messages created per number: more than one is a duplicate. */
  readonly perRecipient: Map<string, number>;
  waitFor(n: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTwilioProbe(): Promise<TwilioProbe> {
  const server = await startTwilioContractServer();
  const acceptedAt = new Map<string, number>();
  const perRecipient = new Map<string, number>();
  let seen = 0;
  /** Tallies the messages the server took since the last call. */
  const tally = () => {
    const now = performance.now();
    for (; seen < server.messages.length; seen++) {
      const to = String(server.messages[seen]!.resource.to).replace(/^whatsapp:/, '');
      if (!acceptedAt.has(to)) acceptedAt.set(to, now);
      perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    }
  };
  const poll = setInterval(tally, 1);
  return {
    server,
    get count() {
      return server.messages.length;
    },
    acceptedAt,
    perRecipient,
    async waitFor(n, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (server.messages.length < n) {
        if (performance.now() > deadline)
          throw new Error(`Twilio server: ${server.messages.length} of ${n} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
      // The last messages may have come in after the poll's last run: a check made now must
      // see them (it once reported 2 399 of 2 400 messages that had all arrived).
      tally();
    },
    async close() {
      clearInterval(poll);
      await server.close();
    },
  };
}
