import type { CheckpointCadence } from '../chain/index.js';

/** What the worker opens: a SQLite store, signing with the key file at keyPath. */
export interface WorkerStoreSpec {
  path: string;
  keyPath: string;
  cadence?: CheckpointCadence;
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

