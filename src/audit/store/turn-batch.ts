/** Sends one batch of items; resolves with one result per item, in order. */
export type SendBatch<T, R> = (items: T[]) => Promise<R[]>;

interface Caller<R> {
  at: number;
  count: number;
  resolve: (results: R[]) => void;
  reject: (error: Error) => void;
}

/**
 * Coalesces the calls made in one turn of the event loop (every I/O callback of one poll,
 * up to the check phase) into one send, and gives each caller its own slice of the
 * results. Unlike a group commit it never waits for an earlier send: batches pipeline.
 * A send that fails rejects every caller in it.
 */
export function createTurnBatch<T, R>(send: SendBatch<T, R>): (items: readonly T[]) => Promise<R[]> {
  let items: T[] = [];
  let callers: Caller<R>[] = [];
  const flush = (): void => {
    const batch = items;
    const waiting = callers;
    items = [];
    callers = [];
    send(batch).then(
      (results) => {
        for (const c of waiting) c.resolve(results.slice(c.at, c.at + c.count));
      },
      (error: unknown) => {
        for (const c of waiting) c.reject(error as Error);
      },
    );
  };
  return (more) =>
    new Promise<R[]>((resolve, reject) => {
      if (more.length === 0) return resolve([]);
      if (callers.length === 0) setImmediate(flush);
      callers.push({ at: items.length, count: more.length, resolve, reject });
      for (const item of more) items.push(item);
    });
}
