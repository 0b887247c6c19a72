import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TestDatabase } from '../../packages/testing/src/index';
import { createApiKey } from '../../services/attribution-service/src/auth/api-keys';
import type { Borrowers } from './seed';

/** One POST /v1/loans: which borrower, and when its answer arrived (performance.now()). */
export interface LoanResult {
  index: number;
  status: number;
  sentAt: number;
  respondedAt: number;
}

export interface LoanLoad {
  /** Creates the loan of borrower `index` (its own item and client) and resolves with the answer. */
  create(index: number): Promise<LoanResult>;
  close(): void;
}

/**
 * An HTTP client for attribution-service with a global API key and keep-alive connections
 * (node:http, cheaper per request than fetch: the load generator shares the machine).
 */
export async function loanLoad(
  db: TestDatabase,
  baseUrl: string,
  borrowers: Borrowers,
  { sockets = 32 }: { sockets?: number } = {},
): Promise<LoanLoad> {
  const { key } = await createApiKey(db.db, { name: 'bench', departmentId: null });
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL('/v1/loans', baseUrl);
  const dueAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
  return {
    create(index) {
      const body = JSON.stringify({
        itemId: borrowers.itemIds[index],
        clientId: borrowers.clientIds[index],
        responsibleUserId: borrowers.staffId,
        dueAt,
      });
      const sentAt = performance.now();
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              authorization: `Bearer ${key}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () => {
              const respondedAt = performance.now();
              if (res.statusCode !== 201) {
                reject(new Error(`POST /v1/loans → ${res.statusCode}: ${text.slice(0, 300)}`));
                return;
              }
              resolve({ index, status: res.statusCode, sentAt, respondedAt });
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Creates loans `from`…`from + count - 1` with `concurrency` requests in flight (closed loop). */
export async function atFullSpeed(
  load: LoanLoad,
  from: number,
  count: number,
  concurrency: number,
): Promise<LoanResult[]> {
  const results: LoanResult[] = [];
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < end) results.push(await load.create(next++));
    }),
  );
  return results;
}

/**
 * Creates `perSecond` loans a second for `seconds`, each started on its own schedule whatever
 * the earlier ones are doing (open loop: a slow answer cannot hide the delay of the next ones).
 */
export async function atSteadyRate(
  load: LoanLoad,
  from: number,
  perSecond: number,
  seconds: number,
): Promise<LoanResult[]> {
  const total = Math.round(perSecond * seconds);
  const start = performance.now();
  const pending: Promise<LoanResult>[] = [];
  let failed = false;
  for (let i = 0; i < total && !failed; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const request = load.create(from + i);
    // Handled at once: a failure while later requests are still being scheduled stops the
    // schedule and reaches the caller (whose finally stops the services and keeps their logs)
    // instead of crashing the process as an unhandled rejection.
    request.catch(() => {
      failed = true;
    });
    pending.push(request);
  }
  return Promise.all(pending);
}
