import { AirlockError, systemClock, toAirlockError } from '../../core/index.js';
import type { Clock, Logger } from '../../core/index.js';
import type { AuditStore } from '../store/types.js';
import type { AuditSinkTarget } from './types.js';

/** Calls fn after ms; returns a cancel. keepAlive: whether the timer alone keeps the process running. */
export type SetTimer = (fn: () => void, ms: number, keepAlive: boolean) => () => void;

export interface ForwarderOptions {
  store: AuditStore;
  /** The forwarder owns them: stop() closes them. Names must be distinct (one cursor each). */
  sinks: readonly AuditSinkTarget[];
  logger: Logger;
  /** Records per deliver() call; default 500. */
  batchSize?: number;
  /** Backoff while a sink fails: initialMs doubling up to maxMs; maxMs at once for 'CONFIG_INVALID'. */
  retry: { initialMs: number; maxMs: number };
  clock?: Clock;
  setTimer?: SetTimer;
  /** How long stop() waits for deliveries in flight before closing the sinks; default 5 s. */
  stopGraceMs?: number;
}

/** Where one sink stands. */
export interface SinkStatus {
  name: string;
  /** The seq of the last record the sink acknowledged (0 for none). */
  cursor: number;
  /** Records in the store after the cursor. */
  pending: number;
  /** Why the last attempt failed; absent once a delivery succeeded. */
  lastError?: AirlockError;
}

export interface Forwarder {
  /** Delivers everything pending to each sink once, sinks independently. Never rejects. */
  pump(): Promise<void>;
  /** Pumps now, on every notify(), and after a failure with backoff, until stop(). */
  start(): void;
  /** New records were committed (AuditWriterOptions.onCommitted). Sinks in backoff wait for their timer. */
  notify(): void;
  /** Tries to catch every sink up before timeoutMs passes (session end). Never rejects. */
  drain(timeoutMs: number): Promise<SinkStatus[]>;
  status(): Promise<SinkStatus[]>;
  /** Stops pumping, waits (up to stopGraceMs) for deliveries in flight, closes the sinks. */
  stop(): Promise<void>;
}

interface SinkState {
  target: AuditSinkTarget;
  cursorName: string;
  /** Last cursor seen, for status() when the store cannot answer. */
  cursor: number;
  running?: Promise<boolean>;
  again: boolean;
  failures: number;
  lastError?: AirlockError;
  cancelRetry?: () => void;
}

const DEFAULT_BATCH = 500;
const STOP_GRACE_MS = 5000;

const defaultSetTimer: SetTimer = (fn, ms, keepAlive) => {
  const timer = setTimeout(fn, ms);
  if (!keepAlive) timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Delivers the audit log from the store to sinks, at least once and in seq order (so each
 * session's order is kept). The store is the spool: a sink's position is the cursor
 * "sink:<name>", moved only after deliver() resolved, never backwards. A sink that is down
 * holds back nothing but its own cursor; when it is back it catches up from there. Several
 * forwarders over one store (two airlock processes) may both send a record: receivers
 * de-duplicate by event id.
 *
 * Throws AirlockError 'CONFIG_INVALID' when two sinks share a name.
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const { store, logger } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const clock = options.clock ?? systemClock;
  const setTimer = options.setTimer ?? defaultSetTimer;
  const stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
  const sinks = createStates(options.sinks);
  let started = false;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let headSeq = 0;

  const deliverPending = async (s: SinkState): Promise<boolean> => {
    try {
      s.cursor = await store.getCursor(s.cursorName);
      for (;;) {
        if (stopped) return false;
        const records = await store.read(s.cursor, batchSize);
        const last = records.at(-1);
        if (last === undefined) break;
        await s.target.deliver(records);
        await store.setCursor(s.cursorName, last.seq);
        s.cursor = last.seq;
      }
      if (s.lastError !== undefined) logger.info(`audit sink ${s.target.name} is delivering again (up to record ${String(s.cursor)})`);
      s.lastError = undefined;
      s.failures = 0;
      return true;
    } catch (error) {
      failed(s, toAirlockError(error));
      return false;
    }
  };

  const failed = (s: SinkState, error: AirlockError): void => {
    const changed = s.lastError?.code !== error.code;
    s.lastError = error;
    s.failures += 1;
    if (changed) logger.warn(`audit sink ${s.target.name}: ${error.message}`);
    else logger.debug(`audit sink ${s.target.name} failed again: ${error.message}`);
    if (started && !stopped) {
      s.cancelRetry?.();
      s.cancelRetry = setTimer(() => {
        s.cancelRetry = undefined;
        void run(s);
      }, retryDelay(s, error), false);
    }
  };

  const retryDelay = (s: SinkState, error: AirlockError): number => {
    const { initialMs, maxMs } = options.retry;
    if (error.code === 'CONFIG_INVALID') return maxMs;
    return Math.min(maxMs, initialMs * 2 ** Math.min(30, s.failures - 1));
  };

  // One delivery loop per sink at a time; a call during it makes the loop go round once
  // more, so records committed meanwhile are not left behind.
  const run = (s: SinkState): Promise<boolean> => {
    if (stopped) return Promise.resolve(false);
    if (s.running !== undefined) {
      s.again = true;
      return s.running;
    }
    const loop = async (): Promise<boolean> => {
      let ok: boolean;
      do {
        s.again = false;
        ok = await deliverPending(s);
      } while (ok && s.again && !stopped);
      s.running = undefined;
      return ok;
    };
    s.running = loop();
    return s.running;
  };

  const status = async (): Promise<SinkStatus[]> => {
    try {
      headSeq = (await store.head())?.seq ?? 0;
      for (const s of sinks) s.cursor = await store.getCursor(s.cursorName);
    } catch (error) {
      // The store is gone (closed, unreachable): report what we knew last.
      const e = toAirlockError(error);
      return sinks.map((s) => ({ ...statusOf(s, headSeq), lastError: s.lastError ?? e }));
    }
    return sinks.map((s) => statusOf(s, headSeq));
  };

  // Each sink catches up on its own, so one that hangs does not keep another from trying
  // again; at the deadline we report, leaving a stuck delivery to its own timeout.
  const drain = async (timeoutMs: number): Promise<SinkStatus[]> => {
    const deadline = clock.nowMs() + timeoutMs;
    const cancels = new Set<() => void>();
    const sleep = (ms: number) => new Promise<void>((resolve) => {
      const cancel = setTimer(() => (cancels.delete(cancel), resolve()), ms, true);
      cancels.add(cancel);
    });
    let over = false;
    const catchUp = async (s: SinkState): Promise<void> => {
      while (!over && !stopped && !(await run(s))) {
        const wait = deadline - clock.nowMs();
        if (wait <= 0) return;
        await sleep(Math.min(wait, s.lastError === undefined ? 0 : retryDelay(s, s.lastError)));
      }
    };
    await Promise.race([Promise.all(sinks.map(catchUp)), sleep(timeoutMs)]);
    over = true;
    for (const cancel of cancels) cancel();
    return status();
  };

  return {
    pump: async () => void (await Promise.all(sinks.map(run))),
    start() {
      if (stopped) return;
      started = true;
      for (const s of sinks) void run(s);
    },
    notify() {
      if (!started || stopped) return;
      for (const s of sinks) if (s.cancelRetry === undefined) void run(s);
    },
    drain,
    status,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        started = false;
        for (const s of sinks) s.cancelRetry?.();
        // Let deliveries in flight finish (a file write half done would be written twice),
        // but not wait on a receiver that never answers: closing its sink ends the request.
        let cancel = (): void => {};
        const grace = new Promise<void>((resolve) => (cancel = setTimer(resolve, stopGraceMs, true)));
        await Promise.race([Promise.all(sinks.map((s) => s.running)), grace]);
        cancel();
        await Promise.allSettled(sinks.map((s) => s.target.close()));
      })();
      return stopping;
    },
  };
}

function createStates(targets: readonly AuditSinkTarget[]): SinkState[] {
  const seen = new Set<string>();
  return targets.map((target) => {
    if (seen.has(target.name)) throw new AirlockError('CONFIG_INVALID', `two audit sinks are named "${target.name}": each needs its own name, as each keeps its own delivery cursor`);
    seen.add(target.name);
    return { target, cursorName: `sink:${target.name}`, cursor: 0, again: false, failures: 0 };
  });
}

function statusOf(s: SinkState, headSeq: number): SinkStatus {
  const status: SinkStatus = { name: s.target.name, cursor: s.cursor, pending: Math.max(0, headSeq - s.cursor) };
  if (s.lastError !== undefined) status.lastError = s.lastError;
  return status;
}
