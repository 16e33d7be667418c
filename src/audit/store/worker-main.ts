/**
 * The audit store's own thread (dist/cli/audit-store-worker.js). better-sqlite3 is
 * synchronous: run in the session's main thread, every commit (and its fsync) and every
 * event's canonicalization and hash would stall the proxy's event loop. Here they stall
 * nothing. The signing key is opened from its file in this thread: a private key is
 * never posted between threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toAirlockError } from '../../core/index.js';
import { openSigningKey } from '../chain/index.js';
import type { PreparedEvent } from './batch.js';
import { openSqliteStore } from './sqlite-store.js';
import type { SqliteAuditStore } from './sqlite-store.js';
import type { StoreCall, StoreReply, WorkerHello, WorkerStoreSpec } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('audit-store-worker runs as a worker thread');

async function open(spec: WorkerStoreSpec): Promise<SqliteAuditStore> {
  const signer = await openSigningKey(spec.keyPath);
  return openSqliteStore(spec.path, { signer, nowMs: Date.now, ...(spec.cadence ? { cadence: spec.cadence } : {}) });
}

async function serve(store: SqliteAuditStore, call: StoreCall): Promise<unknown> {
  const a = call.args;
  switch (call.method) {
    // The caller's thread prepared the events (canonical text and query columns) and
    // holds the objects: only strings cross, and only the links come back.
    case 'appendPrepared':
      return store.appendPrepared(a[0] as PreparedEvent[]);
    case 'read':
      return (await store.read(a[0] as number, a[1] as number)).map((r) => ({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, event: r.event }));
    case 'query':
      return (await store.query(a[0] as Parameters<SqliteAuditStore['query']>[0])).map((r) => ({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, event: r.event }));
    case 'head':
      return store.head();
    case 'checkpoint':
      return store.checkpoint();
    case 'checkpoints':
      return store.checkpoints();
    case 'putBlob':
      return store.putBlob(Buffer.from(a[0] as Uint8Array));
    case 'getBlob':
      return store.getBlob(a[0] as string);
    case 'getCursor':
      return store.getCursor(a[0] as string);
    case 'setCursor':
      return store.setCursor(a[0] as string, a[1] as number);
    case 'close':
      return store.close();
  }
}

const spec = workerData as WorkerStoreSpec;
open(spec).then(
  (store) => {
    port.on('message', (call: StoreCall) => {
      serve(store, call).then(
        (value) => port.postMessage({ id: call.id, ok: true, value } satisfies StoreReply),
        (error: unknown) => {
          const e = toAirlockError(error);
          port.postMessage({ id: call.id, ok: false, error: { code: e.code, message: e.message } } satisfies StoreReply);
        },
      );
    });
    port.postMessage({ ready: true, location: store.location } satisfies WorkerHello);
  },
  (error: unknown) => {
    const e = toAirlockError(error);
    port.postMessage({ ready: false, error: { code: e.code, message: e.message } } satisfies WorkerHello);
  },
);
