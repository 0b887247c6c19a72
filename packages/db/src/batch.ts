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
