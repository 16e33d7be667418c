import { Worker } from 'node:worker_threads';
import { AirlockError, ERROR_CODES } from '../../core/index.js';
import type { ErrorCode } from '../../core/index.js';
import type { AuditEvent } from '../event.js';
import type { ChainedRecord, Checkpoint } from '../chain/index.js';
import { appendEvents } from './batch.js';
import type { PreparedEvent } from './batch.js';
import { createTurnBatch } from './turn-batch.js';
import type { AuditStore } from './types.js';
import { packEvents, unpackLinks } from './worker-packing.js';
import type { OpenMessage, PrestartedThread, StoreCall, StoreMethod, StoreReply, WorkerHello, WorkerStoreSpec } from './worker-protocol.js';

/**
 * The SQLite store, run in a worker thread of its own (worker-main.ts, built as
 * dist/cli/audit-store-worker.js at `workerPath`), behind the same AuditStore interface.
 * Sessions use this: the proxy's event loop never waits for a commit. Group commit
 * happens in the worker, where appends arriving while a commit runs are batched.
 *
 * `prestarted`: a thread started with AwaitSpec before the store was known (the CLI's
 * prestartStoreThread), to use instead of a new one.
 *
 * Returns at once: the thread starts (about 0.1 s) while the session does other start-up
 * work, and the first call waits for it. When the thread cannot start or the store cannot
 * be opened, that call and every later one reject with AirlockError 'AUDIT_UNAVAILABLE'
 * (with the store's own message); `ready` says the same up front. If the thread dies,
 * every call after fails the same way (fail closed or open as the session's policy says).
 */
export function openSqliteStoreInWorker(spec: WorkerStoreSpec, workerPath: string, prestarted?: PrestartedThread): AuditStore & { ready: Promise<void> } {
  // A thread started early (airlock's CLI starts one while its modules load) is told the
  // store now; one that has already failed is replaced by a new thread.
  const early = prestarted?.alive() === true ? prestarted.worker : undefined;
  early?.postMessage({ open: spec } satisfies OpenMessage);
  const worker = early ?? new Worker(workerPath, { workerData: spec });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: AirlockError | undefined;
  const fail = (error: AirlockError) => {
    dead ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const ready = new Promise<WorkerHello>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', (e) => reject(new AirlockError('AUDIT_UNAVAILABLE', `the audit store's thread failed to start (${workerPath}): ${e.message}`, { cause: e })));
  }).then(async (hello) => {
    if (hello.ready) return;
    await worker.terminate();
    throw toError(hello.error);
  });
  // Seen by the first call (or `ready`); never an unhandled rejection on its own.
  ready.catch((error: unknown) => fail(error as AirlockError));
  const readyForCaller = ready.then(() => undefined);
  readyForCaller.catch(() => undefined);
  worker.on('message', (reply: StoreReply) => {
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(toError(reply.error));
  });
  worker.on('error', (e) => fail(new AirlockError('AUDIT_UNAVAILABLE', `the audit store's thread failed: ${e.message}`, { cause: e })));
  worker.on('exit', () => fail(new AirlockError('AUDIT_UNAVAILABLE', `the audit store ${spec.path} is closed`)));

  const call = async <T>(method: StoreMethod, ...args: unknown[]): Promise<T> => {
    await ready;
    if (dead !== undefined) throw dead;
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, method, args } satisfies StoreCall);
    });
  };
  // One message per turn, however many appends the turn made: at 20,000 events/s the
  // messages, not the events, were what the two threads spent their time on. Packed
  // (worker-packing.ts): strings in arrays, not an object per event.
  const appendPrepared = createTurnBatch(async (events: PreparedEvent[]) => unpackLinks(await call('appendPrepared', packEvents(events))));
  let closing: Promise<void> | undefined;
  return {
    ready: readyForCaller,
    kind: 'sqlite',
    location: spec.path,
    append: (events: readonly AuditEvent[]): Promise<ChainedRecord[]> => appendEvents(appendPrepared, events),
    read: (afterSeq, limit) => call('read', afterSeq, limit),
    query: (filter) => call('query', filter),
    head: () => call('head'),
    checkpoint: () => call<Checkpoint | undefined>('checkpoint'),
    checkpoints: () => call('checkpoints'),
    putBlob: (bytes) => call('putBlob', bytes),
    getBlob: async (digest) => {
      const bytes = await call<Uint8Array | undefined>('getBlob', digest);
      return bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    getCursor: (name) => call('getCursor', name),
    setCursor: (name, seq) => call('setCursor', name, seq),
    close() {
      closing ??= (async () => {
        await ready.catch(() => undefined);
        if (dead === undefined) await call('close').catch(() => undefined);
        await worker.terminate();
      })();
      return closing;
    },
  };
}

function toError(error: { code: string; message: string }): AirlockError {
  const code = (error.code in ERROR_CODES ? error.code : 'AUDIT_UNAVAILABLE') as ErrorCode;
  return new AirlockError(code, error.message);
}
