import { Worker } from 'node:worker_threads';
import type { AwaitSpec, PrestartedThread } from '../audit/index.js';

/**
 * Starts the audit store's thread before the session's store is known (run and exec,
 * while their modules load): a thread takes about 80 ms to start, which the session then
 * waited for before its start record. openAuditStore hands it the store; for a store that
 * needs no thread (PostgreSQL) it is terminated. Unref'd: it keeps the process alive for
 * nothing. This module loads nothing of the audit component (type imports only).
 */
export function prestartStoreThread(workerPath: string): PrestartedThread {
  const worker = new Worker(workerPath, { workerData: { awaitSpec: true } satisfies AwaitSpec });
  let alive = true;
  worker.once('error', () => (alive = false));
  worker.once('exit', () => (alive = false));
  worker.unref();
  return { worker, alive: () => alive };
}
