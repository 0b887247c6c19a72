import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { batchByTurn, batchTable } from './batch';
import { createDbClient } from './client';
import { rawPreparedStatement } from './prepared';

/** A `run` that records the batches it was given and doubles each input (fails on negatives). */
function recorder() {
  const batches: number[][] = [];
  const run = async (inputs: readonly number[]) => {
    batches.push([...inputs]);
    if (inputs.some((n) => n < 0)) throw new Error(`negative in ${inputs.join(',')}`);
    return inputs.map((n) => n * 2);
  };
  return { batches, run };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchByTurn', () => {
  it('runs the calls of one turn together and gives each caller its own output', async () => {
    const { batches, run } = recorder();
    const double = batchByTurn(run);
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs calls of different turns apart', async () => {
    const { batches, run } = recorder();
    const double = batchByTurn(run);
    const first = double(1);
    await nextTurn();
    const second = double(2);
    expect([await first, await second]).toEqual([2, 4]);
    expect(batches).toEqual([[1], [2]]);
  });

  it('starts a batch as soon as it is full', async () => {
    const { batches, run } = recorder();
    const double = batchByTurn(run, { maxBatch: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map(double))).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('runs a failed batch again one by one: only the bad input fails, and only its caller sees it', async () => {
    const { batches, run } = recorder();
    const double = batchByTurn(run);
    const results = await Promise.allSettled([double(1), double(-1), double(3)]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('negative in -1') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(batches).toEqual([[1, -1, 3], [1], [-1], [3]]);
  });

  it('passes a lone call’s error straight to its caller', async () => {
    const { batches, run } = recorder();
    const double = batchByTurn(run);
    await expect(double(-2)).rejects.toThrow('negative in -2');
    expect(batches).toEqual([[-2]]);
  });
});

// Reads nothing but its parameters: the server's own database is enough. (This package cannot
// use @rappel/testing, which depends on it.)
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('batchTable', () => {
  it('gives a statement the rows of a batch as a typed table, nulls and all', async () => {
    const input = batchTable('input', {
      id: 'uuid',
      at: 'timestamptz',
      n: 'integer',
      note: 'text',
      data: 'jsonb',
    });
    const select = rawPreparedStatement(
      () => sql`select ${input.column('id')} id, (extract(epoch from ${input.column('at')}) * 1000)::float8 at_ms, ${input.column('n')} + 1 n,
        ${input.column('note')} note, ${input.column('data')} -> 'k' k from ${input.table}`,
    );
    const client = createDbClient(ADMIN_URL, { max: 1 });
    try {
      const rows = await select(
        client.db,
        input.values([
          {
            id: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
            at: '2026-11-27T10:00:00.123Z',
            n: 1,
            note: 'a,"b',
            data: '{"k":1}',
          },
          { id: '8f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', at: null, n: 41, note: null, data: '{"k":"v"}' },
        ]),
      );
      expect([...(rows as object[])]).toEqual([
        {
          id: '7f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
          at_ms: Date.parse('2026-11-27T10:00:00.123Z'),
          n: 2,
          note: 'a,"b',
          k: 1,
        },
        { id: '8f0c0c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', at_ms: null, n: 42, note: null, k: 'v' },
      ]);
    } finally {
      await client.close();
    }
  });
});
