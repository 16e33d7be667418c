/**
 * The audit store's own thread (dist/cli/audit-store-worker.js). better-sqlite3 is
 * synchronous: run in the session's main thread, every commit (and its fsync) and every
 * event's canonicalization and hash would stall the proxy's event loop. Here they stall
 * nothing. The signing key is opened from its file in this thread: a private key is
 * never posted between threads.
 *
 * The same script, started with a WalCheckpointerSpec, is the store's WAL checkpointer:
 * a second thread the store's thread starts once the file is open (wal-checkpointer.ts).
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { toAirlockError } from '../../core/index.js';
import { openSigningKey } from '../chain/index.js';
import { openSecondConnection } from './sqlite-open.js';
import { openSqliteStore } from './sqlite-store.js';
import type { SqliteAuditStore } from './sqlite-store.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { packLinks, unpackEvents } from './worker-packing.js';
import type { AwaitSpec, OpenMessage, StoreCall, StoreReply, WalCheckpointerSpec, WorkerHello, WorkerStoreSpec } from './worker-protocol.js';

const port = parentPort as NonNullable<typeof parentPort>;
if ((parentPort as unknown) === null) throw new Error('audit-store-worker runs as a worker thread');

async function open(spec: WorkerStoreSpec): Promise<SqliteAuditStore> {
  const signer = await openSigningKey(spec.keyPath);
  return openSqliteStore(spec.path, { signer, nowMs: Date.now, ...(spec.cadence ? { cadence: spec.cadence } : {}) });
}

/** One call of the interface; `close` stops the checkpointer thread first. */
async function serve(store: SqliteAuditStore, call: StoreCall, stopCheckpointer: () => Promise<void>): Promise<unknown> {
  const a = call.args;
  switch (call.method) {
    // The caller's thread prepared the events (canonical text and query columns) and
    // holds the objects: only strings cross, packed, and only the links come back.
    case 'appendPrepared':
      return packLinks(await store.appendPrepared(unpackEvents(a[0])));
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
      await stopCheckpointer();
      return store.close();
  }
}

/** The checkpointer thread; it stops when its parent posts anything. Failing, it just ends. */
function checkpointerThread(spec: WalCheckpointerSpec): void {
  openSecondConnection(spec.walCheckpointer).then(
    (db) => {
      const running = startWalCheckpointer(db);
      (port as NonNullable<typeof port>).once('message', () => {
        running.stop();
        db.close();
        port?.close();
      });
    },
    () => port?.close(),
  );
}

/**
 * The checkpointer starts this long after the store opens, not with it: a thread costs
 * about 80 ms of CPU to start, which a session would spend beside its own start-up on
 * two cores, and a log needs no checkpointing before it has grown (SQLite's own, from the
 * commit that takes the WAL past 1,000 pages, is there meanwhile).
 */
const CHECKPOINTER_DELAY_MS = 1000;

/** Starts the checkpointer beside this store, after CHECKPOINTER_DELAY_MS; stop() ends it (and never throws). */
function startCheckpointerThread(path: string): { stop: () => Promise<void> } {
  let thread: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  const timer = setTimeout(() => {
    const started = new Worker(new URL(import.meta.url), { workerData: { walCheckpointer: path } satisfies WalCheckpointerSpec });
    started.on('error', () => undefined);
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    thread = started;
  }, CHECKPOINTER_DELAY_MS);
  return {
    async stop() {
      clearTimeout(timer);
      thread?.postMessage('stop');
      await exited;
    },
  };
}

function storeThread(spec: WorkerStoreSpec): void {
  open(spec).then(
    (store) => {
      const checkpointer = startCheckpointerThread(spec.path);
      port.on('message', (call: StoreCall) => {
        serve(store, call, checkpointer.stop).then(
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
}

const data = workerData as WorkerStoreSpec | WalCheckpointerSpec | AwaitSpec;
if ('walCheckpointer' in data) checkpointerThread(data);
else if ('awaitSpec' in data) port.once('message', (m: OpenMessage) => storeThread(m.open));
else storeThread(data);
