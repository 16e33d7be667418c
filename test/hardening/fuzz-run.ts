import type { TestProxy } from '../proxy-harness.js';
import type { FuzzCase } from './fuzz.js';
import { checkAlive, inPool, resetUncaught, sleep, uncaught } from './proxy-setup.js';
import { hasStatusLine, isWellFormedStart, sendRaw } from './raw-client.js';

export interface FuzzRun {
  proxy: TestProxy;
  /** Port of the upstream the liveness check uses. */
  livePort: number;
  seed: number;
  cases: FuzzCase[];
  /** Bytes that must never reach a client (the real secret). */
  secret: string;
}

export interface FuzzResult {
  failures: string[];
  outcomes: { answered: number; closed: number; open: number };
  /** Half-closed cases that lagged under load but were answered when replayed alone. */
  slowUnderLoad: number;
}

const BATCH = 250;
const WIDTH = 50;

/**
 * Throws every case at the proxy, 50 at a time. Fails a case whose answer does not start
 * with a status line or carries the secret; after each batch of 250, runs the liveness
 * check and, when an error escaped, replays the batch to name the case that causes it.
 */
export async function runFuzz(run: FuzzRun): Promise<FuzzResult> {
  const result: FuzzResult = { failures: [], outcomes: { answered: 0, closed: 0, open: 0 }, slowUnderLoad: 0 };
  const suspects: FuzzCase[] = [];
  const one = async (c: FuzzCase) => {
    // A client that half-closed must get an answer or a close; one that waits may just have sent an incomplete head.
    const r = await sendRaw(run.proxy.socketPath, c.bytes, { ending: c.ending, chunks: c.chunks, waitMs: c.ending === 'end' ? 1500 : 300, until: hasStatusLine });
    result.outcomes[r.data.length > 0 ? 'answered' : r.closed ? 'closed' : 'open']++;
    const where = `case ${c.index} (seed ${run.seed}; ${c.recipe}; ${c.ending})`;
    if (c.ending === 'end' && r.data.length === 0 && !r.closed) suspects.push(c);
    if (!isWellFormedStart(r.data)) result.failures.push(`${where}: malformed answer ${JSON.stringify(r.data.subarray(0, 80).toString('latin1'))}`);
    if (r.data.includes(run.secret)) result.failures.push(`${where}: the real secret reached the client`);
  };
  for (let start = 0; start < run.cases.length; start += BATCH) {
    const batch = run.cases.slice(start, start + BATCH);
    await inPool(batch, WIDTH, one);
    await sleep(20); // let a late error (a failed write to a closed client) surface
    const alive = await checkAlive(run.proxy, run.livePort);
    if (alive.status !== 200 || alive.crashes.length > 0) {
      const culprit = alive.crashes.length > 0 ? await findCrashingCase(run, batch) : undefined;
      const crashes = [...new Set(alive.crashes)].join('; ');
      result.failures.push(`cases ${start}..${start + batch.length - 1} (seed ${run.seed}): liveness status ${alive.status}, ${alive.crashes.length} error(s) escaped: ${crashes}${culprit ? `; replayed alone, ${culprit} causes it again` : ''}`);
    }
    resetUncaught();
  }
  result.failures.push(...(await replaySuspects(run, suspects)));
  result.slowUnderLoad = suspects.length;
  return result;
}

/** Under the fuzz's own load a reply can lag; a half-closed case that hangs again when replayed alone is a stall. */
async function replaySuspects(run: FuzzRun, suspects: FuzzCase[]): Promise<string[]> {
  const failures: string[] = [];
  for (const c of suspects.slice(0, 40)) {
    const r = await sendRaw(run.proxy.socketPath, c.bytes, { ending: c.ending, chunks: c.chunks, waitMs: 1500, until: hasStatusLine });
    if (r.data.length === 0 && !r.closed) failures.push(`case ${c.index} (seed ${run.seed}; ${c.recipe}): a half-closed client got neither an answer nor a close in ${r.ms} ms, even alone`);
  }
  return failures;
}

/** Replays a batch one case at a time, those that drop the connection first, until one makes an error escape. */
async function findCrashingCase(run: FuzzRun, batch: FuzzCase[]): Promise<string | undefined> {
  resetUncaught();
  const ordered = [...batch.filter((c) => c.ending === 'destroy'), ...batch.filter((c) => c.ending !== 'destroy')];
  for (const c of ordered.slice(0, 120)) {
    await sendRaw(run.proxy.socketPath, c.bytes, { ending: c.ending, chunks: c.chunks, waitMs: 100, until: hasStatusLine });
    await sleep(10);
    if (uncaught.length > 0) return `case ${c.index} (${c.recipe}; ${c.ending}: ${JSON.stringify(c.bytes.subarray(0, 120).toString('latin1'))})`;
  }
  return undefined;
}
