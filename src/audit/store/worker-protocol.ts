import type { Worker } from 'node:worker_threads';
import type { CheckpointCadence } from '../chain/index.js';

/** What the worker opens: a SQLite store, signing with the key file at keyPath. */
export interface WorkerStoreSpec {
  path: string;
  keyPath: string;
  cadence?: CheckpointCadence;
}

/**
 * The workerData of a store thread started before its store is known (as airlock starts
 * a session, while its own modules load): it loads, then waits for a message with the spec.
 */
export interface AwaitSpec {
  awaitSpec: true;
}

/** What a pre-started store thread is sent once the store is known. */
export interface OpenMessage {
  open: WorkerStoreSpec;
}

/** A store thread started with AwaitSpec; `alive()` is false once it has exited or failed. */
export interface PrestartedThread {
  worker: Worker;
  alive(): boolean;
}

/** What the store's thread gives the WAL checkpointer thread it starts: the file. */
export interface WalCheckpointerSpec {
  walCheckpointer: string;
}

export type StoreMethod = 'appendPrepared' | 'read' | 'query' | 'head' | 'checkpoint' | 'checkpoints' | 'putBlob' | 'getBlob' | 'getCursor' | 'setCursor' | 'close';

export interface StoreCall {
  id: number;
  method: StoreMethod;
  args: unknown[];
}

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code: string; message: string } };

/** The worker's first message: ready, or why it could not open the store. */
export type WorkerHello = { ready: true; location: string } | { ready: false; error: { code: string; message: string } };

