import { AirlockError } from '../../core/index.js';
import type { AuditEvent } from '../event.js';
import type { ChainedRecord } from '../chain/index.js';

/** Commits one batch of events; the records come back in the same order. */
export type CommitFn = (events: readonly AuditEvent[]) => ChainedRecord[] | Promise<ChainedRecord[]>;

export interface GroupCommit {
  append(events: readonly AuditEvent[]): Promise<ChainedRecord[]>;
  /** Resolves when nothing is pending or in flight. */
  flush(): Promise<void>;
}

interface Waiter {
  events: readonly AuditEvent[];
  resolve: (records: ChainedRecord[]) => void;
  reject: (error: Error) => void;
}

/** At most this many events go into one commit, so one commit never holds the lock long. */
const MAX_BATCH_EVENTS = 4096;

/**
 * Group commit: appends that arrive in the same turn of the event loop, or while a commit
 * is in flight, are committed together, and each caller gets its own records back. When a
 * shared commit fails with an error about the data (not the store), each caller's events
 * are retried alone, so one bad event never costs another caller its events.
 */
export function createGroupCommit(commit: CommitFn): GroupCommit {
  let pending: Waiter[] = [];
  let running: Promise<void> | undefined;

  const commitGroup = async (group: Waiter[]): Promise<void> => {
    try {
      const records = await commit(group.flatMap((w) => w.events));
      let at = 0;
      for (const w of group) {
        w.resolve(records.slice(at, at + w.events.length));
        at += w.events.length;
      }
    } catch (error) {
      const dataProblem = error instanceof AirlockError && error.code === 'INTERNAL';
      if (group.length > 1 && dataProblem) {
        for (const w of group) await commitGroup([w]);
        return;
      }
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
      while (take < pending.length && (take === 0 || size + (pending[take] as Waiter).events.length <= MAX_BATCH_EVENTS)) {
        size += (pending[take] as Waiter).events.length;
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
    append(events) {
      if (events.length === 0) return Promise.resolve([]);
      const copy = [...events];
      const done = new Promise<ChainedRecord[]>((resolve, reject) => pending.push({ events: copy, resolve, reject }));
      void start();
      return done;
    },
    async flush() {
      while (running !== undefined || pending.length > 0) await start();
    },
  };
}
