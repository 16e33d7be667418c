// The audit benchmark's floor: a worker thread that speaks the audit store's thread
// protocol (src/audit/store/worker-protocol.ts) but stores nothing. Appends come back at
// once with links shaped like real ones (hex hashes of the real length), so the caller's
// side costs the same as with the SQLite store: preparing events, the message each way,
// the promises and the garbage they make. What is left is the thread hop and the
// caller's own pauses (this machine, garbage collection).
import { parentPort } from 'node:worker_threads';

const HASH = 'a'.repeat(64);
let seq = 0;
parentPort.postMessage({ ready: true, location: 'floor' });
parentPort.on('message', (call) => {
  // Links come back packed (src/audit/store/worker-packing.ts): 9 strings per event in.
  const count = call.method === 'appendPrepared' ? call.args[0].length / 9 : 0;
  const value = call.method === 'appendPrepared' ? { firstSeq: seq + 1, prevHash: HASH, hashes: Array.from({ length: count }, () => HASH) } : undefined;
  seq += count;
  parentPort.postMessage({ id: call.id, ok: true, value });
});
