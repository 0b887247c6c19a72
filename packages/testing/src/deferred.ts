/**
 * A promise and the function that resolves it, for a test that holds one side of a race at a
 * chosen point (Promise.withResolvers, which Node 20 lacks).
 */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
