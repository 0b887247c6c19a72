import { describe, expect, it } from 'vitest';
import { batchByTurn } from './batch';

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
