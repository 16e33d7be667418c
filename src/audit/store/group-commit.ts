/** Commits one batch of items; one result per item comes back, in the same order. */
export type CommitFn<T, R> = (items: readonly T[]) => R[] | Promise<R[]>;

export interface GroupCommit<T, R> {
  append(items: readonly T[]): Promise<R[]>;
  /** Resolves when nothing is pending or in flight. */
  flush(): Promise<void>;
}

interface Waiter<T, R> {
  items: readonly T[];
  resolve: (results: R[]) => void;
  reject: (error: Error) => void;
}

/** At most this many events go into one commit, so one commit never holds the lock long. */
const MAX_BATCH_EVENTS = 4096;

/**
 * Group commit: appends that arrive in the same turn of the event loop, or while a commit
 * is in flight, are committed together, and each caller gets its own results back. A
 * failed commit rejects every caller in it (items are checked before they are queued:
 * what fails here is the store).
 */
export function createGroupCommit<T, R>(commit: CommitFn<T, R>): GroupCommit<T, R> {
  let pending: Waiter<T, R>[] = [];
  let running: Promise<void> | undefined;

  const commitGroup = async (group: Waiter<T, R>[]): Promise<void> => {
    try {
      const results = await commit(group.flatMap((w) => w.items));
      let at = 0;
      for (const w of group) {
        w.resolve(results.slice(at, at + w.items.length));
        at += w.items.length;
      }
    } catch (error) {
      for (const w of group) w.reject(error as Error);
    }
  };

  const drain = async (): Promise<void> => {
    // Let the rest of this turn's appends join the first commit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (pending.length > 0) {
      // One splice, not a shift per waiter: under a backlog, shift() is linear each time.
      let take = 0;
      let size = 0;
      while (take < pending.length && (take === 0 || size + (pending[take] as Waiter<T, R>).items.length <= MAX_BATCH_EVENTS)) {
        size += (pending[take] as Waiter<T, R>).items.length;
        take++;
      }
      const group = pending.splice(0, take);
      await commitGroup(group);
    }
  };

  const start = (): Promise<void> => {
    running ??= drain().finally(() => {
      running = undefined;
      if (pending.length > 0) void start();
    });
    return running;
  };

  return {
    append(items) {
      if (items.length === 0) return Promise.resolve([]);
      const copy = [...items];
      const done = new Promise<R[]>((resolve, reject) => pending.push({ items: copy, resolve, reject }));
      void start();
      return done;
    },
    async flush() {
      while (running !== undefined || pending.length > 0) await start();
    },
  };
}
