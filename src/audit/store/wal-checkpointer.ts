import type BetterSqlite3 from 'better-sqlite3';

type Database = BetterSqlite3.Database;

export interface WalCheckpointer {
  /** Stops after the checkpoint in progress, if any; the caller closes the connection. */
  stop(): void;
}

export interface WalCheckpointerOptions {
  /** Between checkpoints while the log grows. */
  everyMs: number;
  /** The longest pause once the log is idle (the pause doubles up to it). */
  idleMs: number;
}

/** While commits arrive, a checkpoint every 50 ms; idle, at most one a second. */
export const WAL_CHECKPOINTER_DEFAULTS: WalCheckpointerOptions = { everyMs: 50, idleMs: 1000 };

/**
 * Copies committed WAL frames into the database file from a connection of its own
 * (run it in a thread of its own), so commits seldom have to. SQLite checkpoints from
 * the commit that takes the WAL past 1,000 pages: that commit writes and syncs every
 * page not yet copied, which took 8 to 12 ms at 20,000 events/s, and every append
 * behind it waited. PASSIVE checkpoints here never wait for, or block, a writer; the
 * commit that crosses the mark finds little left to copy, and SQLite still restarts the
 * WAL from its start then, so the file does not grow.
 *
 * A checkpoint that fails is not retried at once: the store stays correct without this
 * (its commits checkpoint as before), only its latency suffers.
 */
export function startWalCheckpointer(db: Database, options: WalCheckpointerOptions = WAL_CHECKPOINTER_DEFAULTS): WalCheckpointer {
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let pause = options.everyMs;
  let lastLog = -1;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    let log = lastLog;
    try {
      const row = checkpoint.get() as { log: number } | undefined;
      log = row?.log ?? lastLog;
    } catch {
      // Busy or failing: back off as if idle.
    }
    // The log's length changes whenever commits arrive (it restarts from zero too).
    pause = log !== lastLog ? options.everyMs : Math.min(options.idleMs, pause * 2);
    lastLog = log;
    timer = setTimeout(tick, pause);
  };
  timer = setTimeout(tick, pause);
  return {
    stop() {
      clearTimeout(timer);
    },
  };
}
