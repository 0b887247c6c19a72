import { sql } from 'drizzle-orm';

/**
 * Calls made in the same turn of the event loop, run as one: `run` gets every input gathered
 * since the first call of the turn and returns one output per input, in order.
 *
 * A worker that runs several jobs at once starts them from the same burst of replies; each job's
 * statement was a round trip of its own (a socket write, a wake-up of the backend, a commit, a run
 * of the table's statement triggers). Gathered, the jobs of one turn share all of that.
 *
 * A batch that fails is run again one input at a time, so that one input's error is that
 * caller's alone and the others go through: `run` must be all or nothing (one statement is).
 */
export function batchByTurn<I, O>(
  run: (inputs: readonly I[]) => Promise<readonly O[]>,
  options: { maxBatch?: number } = {},
): (input: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 100;
  let pending: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[] = [];

  const runOne = (call: (typeof pending)[number]) =>
    run([call.input]).then(([output]) => call.resolve(output as O), call.reject);

  const flush = () => {
    const calls = pending;
    pending = [];
    if (calls.length === 0) return;
    if (calls.length === 1) {
      void runOne(calls[0]!);
      return;
    }
    run(calls.map((c) => c.input)).then(
      (outputs) => {
        for (const [i, call] of calls.entries()) call.resolve(outputs[i] as O);
      },
      () => {
        for (const call of calls) void runOne(call);
      },
    );
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ input, resolve, reject });
      if (pending.length === 1) setImmediate(flush);
      else if (pending.length >= maxBatch) flush();
    });
}

/**
 * The values of a batch as a table for one statement: `unnest` of one array parameter per
 * column, each named after its column (`sql.placeholder`, so the statement is built once).
 * Each array is sent as text[] and cast to its column's type by Postgres: drizzle turns
 * postgres.js's serializers for timestamp arrays off (it sends dates as strings), so a JS array
 * bound as timestamptz[] would not be serialized at all; as text[] every type goes the same way.
 */
export function batchTable<C extends string>(alias: string, types: Readonly<Record<C, string>>) {
  const columns = Object.keys(types) as C[];
  const arrays = columns.map((c) =>
    types[c] === 'text'
      ? sql`${sql.placeholder(c)}::text[]`
      : sql`${sql.placeholder(c)}::text[]::${sql.raw(types[c])}[]`,
  );
  return {
    /** The table's name, `<alias>`: for a CTE that holds it, so a statement can read it twice. */
    name: sql.raw(alias),
    /** `unnest(…) as <alias>(<columns>)`, for a FROM clause. */
    table: sql`unnest(${sql.join(arrays, sql`, `)}) as ${sql.raw(alias)}(${sql.raw(columns.join(', '))})`,
    /** A column of the table, `<alias>.<column>`. */
    column: (c: C) => sql.raw(`${alias}.${c}`),
    /** The placeholders' values: the batch's rows, column by column. */
    values: (rows: readonly Readonly<Record<C, unknown>>[]): Record<C, unknown[]> =>
      Object.fromEntries(columns.map((c) => [c, rows.map((row) => row[c])])) as Record<C, unknown[]>,
  };
}
