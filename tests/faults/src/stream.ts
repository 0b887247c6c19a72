import type { Borrower, Desk } from './borrowers';
import type { ExpectedMessage } from './ledger';
import type { ApiAnswer, Scenario } from './scenario';

export interface StreamedLoan {
  borrower: Borrower;
  answer: ApiAnswer;
  loanId: string | null;
}

/**
 * Creates one loan per borrower over HTTP, `perSecond` at a time, each due 2 h + `reminderInMs(i)`
 * from now (started 3 h ago: a medium loan), so its reminder_2h fires `reminderInMs(i)` from now.
 * `during(i)` runs before loan i is sent (the test injects its fault there).
 */
export async function streamLoans(
  s: Scenario,
  desk: Desk,
  options: {
    perSecond: number;
    reminderInMs: (i: number) => number;
    during?: (i: number) => Promise<void> | void;
    timeoutMs?: number;
  },
): Promise<StreamedLoan[]> {
  const results: StreamedLoan[] = [];
  const pause = 1_000 / options.perSecond;
  const inFlight: Promise<void>[] = [];
  for (const [i, borrower] of desk.borrowers.entries()) {
    await options.during?.(i);
    const now = Date.now();
    inFlight.push(
      s
        .api(
          'POST',
          '/v1/loans',
          {
            itemId: borrower.itemId,
            clientId: borrower.clientId,
            responsibleUserId: desk.staffId,
            startsAt: new Date(now - 3 * 3_600_000).toISOString(),
            dueAt: new Date(now + 2 * 3_600_000 + options.reminderInMs(i)).toISOString(),
          },
          options.timeoutMs,
        )
        .then(
          (answer) => {
            const loanId = answer.status === 201 ? (answer.body.loan?.id ?? answer.body.id ?? null) : null;
            results.push({ borrower, answer, loanId });
          },
          (error: Error) => {
            results.push({
              borrower,
              answer: { status: 0, body: error.message, ms: Number.NaN },
              loanId: null,
            });
          },
        ),
    );
    await new Promise((r) => setTimeout(r, pause));
  }
  await Promise.all(inFlight);
  return results;
}

/** loan_created and reminder_2h, by e-mail and WhatsApp, for every loan that was created. */
export function expectedForLoans(loans: StreamedLoan[]): ExpectedMessage[] {
  return loans.flatMap(({ loanId }) =>
    loanId
      ? (['loan_created', 'reminder_2h'] as const).flatMap((kind) =>
          (['email', 'whatsapp'] as const).map((channel) => ({ channel, loanId, kind })),
        )
      : [],
  );
}

export const phoneMap = (pairs: Array<{ borrower: Borrower; loanId: string | null }>) =>
  new Map(pairs.filter((p) => p.loanId).map((p) => [p.borrower.phone, p.loanId as string]));
