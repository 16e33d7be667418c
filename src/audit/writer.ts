import { AirlockError, toAirlockError } from '../core/index.js';
import type { Logger } from '../core/index.js';
import type { ChainedRecord } from './chain/index.js';
import { stampEvent } from './envelope.js';
import type { EventContext } from './envelope.js';
import type { AuditEvent, AuditSink } from './event.js';
import type { AuditStore } from './store/types.js';

export interface AuditWriterOptions {
  store: AuditStore;
  context: EventContext;
  /** closed: the first failure stops accepting (no more egress); open: keep spooling. */
  failMode: 'closed' | 'open';
  newId: () => string;
  logger: Logger;
  /**
   * Called the first time the log cannot be written, and again if egress must then stop
   * (fail open's spool is full): `accepting` says which, so the caller ends the session
   * whenever it is false, whatever the policy's mode.
   */
  onUnavailable: (error: AirlockError, state: { accepting: boolean }) => void;
  /** Called after every commit, e.g. to wake the sink forwarder. */
  onCommitted?: () => void;
  retry?: { initialMs: number; maxMs: number };
  /** Fail open holds at most this many unwritten events, then fails closed. */
  maxSpooled?: number;
  /**
   * At most one commit per this many ms (default 20): under load, events wait a little to
   * share a commit, so the per-commit cost (a transaction, its WAL writes and an fsync) is
   * paid once per batch instead of once per request. An event someone awaits (record()),
   * a flush() and a close() do not wait out the interval.
   */
  commitIntervalMs?: number;
}

/** A session's audit log writer: the AuditSink the proxy and session write to. */
export interface AuditWriter extends AuditSink {
  /** False once egress must stop: fail closed and the log failed, or the spool is full. */
  readonly accepting: boolean;
  /** Writes one event and resolves with its record once it is durable. */
  record(event: AuditEvent): Promise<ChainedRecord>;
  /** Resolves when every event written so far is committed. */
  flush(): Promise<void>;
  /**
   * Waits (up to retry.maxMs) for what is queued, makes one last attempt, and gives up on
   * the rest: `unwritten` says how many. Never rejects.
   */
  close(): Promise<void>;
  /** Events that could not be written (known after close). */
  readonly unwritten: number;
}

interface Queued {
  event: AuditEvent;
  done?: { resolve: (r: ChainedRecord) => void; reject: (e: Error) => void };
}

const BATCH = 1024;

/**
 * Stamps every event with the session's context and commits them in order through the
 * store's group commit. Order is kept under failure: once a commit fails, later events
 * wait behind the failed ones, retried with backoff, so a session's events never land
 * out of order. write() never throws and never blocks the caller.
 */
export function createAuditWriter(options: AuditWriterOptions): AuditWriter {
  const { store, logger } = options;
  const retry = options.retry ?? { initialMs: 200, maxMs: 5000 };
  const maxSpooled = options.maxSpooled ?? 100_000;
  const intervalMs = options.commitIntervalMs ?? 20;
  let lastCommitMs = 0;
  const queue: Queued[] = [];
  /** Ends the pause between commits early (set while the pump pauses). */
  let hurry: (() => void) | undefined;
  let accepting = true;
  /** The `accepting` last reported to onUnavailable; undefined before any failure. */
  let reported: boolean | undefined;
  let pumping: Promise<void> | undefined;
  let delayMs = 0;
  let closing = false;
  let unwritten = 0;
  const idle: (() => void)[] = [];

  const unavailable = (error: AirlockError): void => {
    if (options.failMode === 'closed') accepting = false;
    if (reported === accepting) return;
    reported = accepting;
    options.onUnavailable(error, { accepting });
  };

  const commit = async (batch: Queued[]): Promise<void> => {
    try {
      const records = await store.append(batch.map((q) => q.event));
      batch.forEach((q, i) => q.done?.resolve(records[i] as ChainedRecord));
    } catch (error) {
      const e = toAirlockError(error);
      if (e.code !== 'INTERNAL' || batch.length === 1) throw e;
      // One event is not JSON data: commit the others one by one, in order.
      for (const q of batch) await commit([q]).catch((single: unknown) => dropBad(q, toAirlockError(single)));
    }
  };

  const dropBad = (q: Queued, e: AirlockError): void => {
    if (e.code !== 'INTERNAL') throw e;
    logger.warn(`audit: dropped a ${q.event.type} event that is not JSON data: ${e.message}`);
    q.done?.reject(e);
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        hurry = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      hurry = done;
    });

  const pump = async (): Promise<void> => {
    while (queue.length > 0) {
      const wait = lastCommitMs + intervalMs - performance.now();
      // No pause when a batch is full, when closing or flushing, or when a record() caller
      // awaits a queued event (the scan is short: the queue is under a batch).
      if (wait > 0 && queue.length < BATCH && !closing && idle.length === 0 && !queue.some((q) => q.done !== undefined)) await pause(wait);
      lastCommitMs = performance.now();
      const batch = queue.slice(0, BATCH);
      try {
        await commit(batch);
        queue.splice(0, batch.length);
        delayMs = 0;
        options.onCommitted?.();
      } catch (error) {
        unavailable(toAirlockError(error));
        if (closing) return;
        delayMs = Math.min(retry.maxMs, Math.max(retry.initialMs, delayMs * 2));
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
    for (const wake of idle.splice(0)) wake();
  };

  const kick = (): void => {
    pumping ??= pump().finally(() => {
      pumping = undefined;
      if (queue.length > 0 && !closing) kick();
    });
  };

  const enqueue = (q: Queued): void => {
    if (closing) {
      unwritten++;
      q.done?.reject(new AirlockError('AUDIT_UNAVAILABLE', 'the session audit writer is closed'));
      return;
    }
    queue.push(q);
    if (q.done !== undefined) hurry?.();
    if (queue.length > maxSpooled && accepting) {
      accepting = false;
      unavailable(new AirlockError('AUDIT_UNAVAILABLE', `${queue.length} audit events are waiting for ${store.location}, more than the ${maxSpooled} fail-open holds`));
    }
    kick();
  };

  const stamp = (event: AuditEvent): AuditEvent => stampEvent(options.context, options.newId(), event);

  return {
    get accepting() {
      return accepting;
    },
    get unwritten() {
      return unwritten;
    },
    write(event) {
      enqueue({ event: stamp(event) });
    },
    record(event) {
      return new Promise((resolve, reject) => enqueue({ event: stamp(event), done: { resolve, reject } }));
    },
    async flush() {
      if (queue.length === 0 && pumping === undefined) return;
      const drained = new Promise<void>((resolve) => idle.push(resolve));
      hurry?.();
      await drained;
    },
    async close() {
      if (queue.length > 0 || pumping !== undefined) {
        await Promise.race([this.flush(), new Promise((resolve) => setTimeout(resolve, retry.maxMs))]);
      }
      closing = true;
      await pumping;
      if (queue.length > 0) await pump().catch(() => undefined);
      unwritten += queue.length;
      for (const q of queue.splice(0)) q.done?.reject(new AirlockError('AUDIT_UNAVAILABLE', `the audit event was not written to ${store.location}`));
      for (const wake of idle.splice(0)) wake();
    },
  };
}
