import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../context';
import { COMMAND_ATTEMPTS, commitAndPublish, type LoanEffects } from './loan-effects';

const pgError = (code: string) =>
  new Error('Failed query: update "scheduled_reminders"…', {
    cause: Object.assign(new Error(code), { code }),
  });

const effects = { loan: { id: 'loan' }, notifications: [], reminders: [] } as unknown as LoanEffects;

/** A context whose transactions fail with the given errors, in turn, then succeed. */
function contextFailing(errors: Error[]) {
  let runs = 0;
  let published = 0;
  const ctx = {
    db: {
      async transaction(command: (tx: unknown) => Promise<LoanEffects>) {
        runs++;
        const error = errors.shift();
        if (error) throw error;
        return command({});
      },
    },
    publisher: {
      async publishAfterCommit() {
        published++;
        return { published: true };
      },
    },
  } as unknown as ServiceContext;
  return { ctx, runs: () => runs, published: () => published };
}

describe('commitAndPublish', () => {
  it('runs the transaction again when Postgres rolled it back as a deadlock victim or for a serialization conflict', async () => {
    const t = contextFailing([pgError('40P01'), pgError('40001')]);
    await expect(commitAndPublish(t.ctx, async () => effects)).resolves.toBe(effects);
    expect(t.runs()).toBe(3);
    expect(t.published()).toBe(1);
  });

  it(`gives up after ${COMMAND_ATTEMPTS} runs, with the error (answered 503)`, async () => {
    const t = contextFailing(Array.from({ length: COMMAND_ATTEMPTS }, () => pgError('40P01')));
    await expect(commitAndPublish(t.ctx, async () => effects)).rejects.toMatchObject({
      cause: { code: '40P01' },
    });
    expect(t.runs()).toBe(COMMAND_ATTEMPTS);
    expect(t.published()).toBe(0);
  });

  it('does not run again a transaction that failed for another reason', async () => {
    const t = contextFailing([pgError('23505')]);
    await expect(commitAndPublish(t.ctx, async () => effects)).rejects.toMatchObject({
      cause: { code: '23505' },
    });
    expect(t.runs()).toBe(1);
  });
});
