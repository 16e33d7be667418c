import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../core/index.js';
import type { Logger } from '../../core/index.js';
import { createCheckpointSigner } from '../chain/index.js';
import type { ChainedRecord } from '../chain/index.js';
import { stampEvent } from '../envelope.js';
import type { EventContext } from '../envelope.js';
import type { AuditEvent } from '../event.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { AuditStore } from '../store/types.js';
import { createForwarder } from './forwarder.js';
import type { Forwarder } from './forwarder.js';
import type { AuditSinkTarget } from './types.js';

// Test fixtures for the sink tests (not exported by index.ts).

/** A real SQLite store in a temp folder. */
export async function openTestStore(): Promise<{ store: AuditStore; dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-sinks-'));
  const store = await openSqliteStore(join(dir, 'audit.db'), { signer: createCheckpointSigner(generateKeyPairSync('ed25519').privateKey), nowMs: Date.now });
  return { store, dir, remove: async () => rm(dir, { recursive: true, force: true }) };
}

export const TEST_SESSIONS = ['ses_01HXAAAA', 'ses_01HXBBBB', 'ses_01HXCCCC'] as const;

/** A session's context as the session component stamps it. */
export function testContext(sessionId: string, host = 'laptop-7'): EventContext {
  return {
    sessionId,
    actor: { user: 'dev@example.com', uid: 1000, verified: false, host },
    policyHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    tool: { name: 'claude', version: '1.0.0', image: 'airlock/claude:1', digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
    repo: '/home/dev/repo',
    driver: 'docker',
  };
}

/** A stamped event with a unique id; every fourth is a denial; text that needs escaping everywhere. */
export function testEvent(i: number, sessionId: string = TEST_SESSIONS[i % TEST_SESSIONS.length] ?? 'ses_x'): AuditEvent {
  const denied = i % 4 === 0;
  const event: AuditEvent = {
    type: denied ? 'net.request.denied' : 'net.request.allowed',
    time: new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + i * 37).toISOString(),
    sessionId,
    decision: denied ? 'deny' : 'allow',
    method: 'GET',
    host: 'registry.npmjs.org',
    path: `/pkg-${String(i)}?q="a]b\\c"&é=日本\n`,
  };
  return stampEvent(testContext(sessionId), `evt_${randomUUID()}`, event);
}

/** Appends `count` events in batches, notifying the forwarder after each commit. */
export async function appendEvents(store: AuditStore, count: number, notify: () => void = () => {}, batch = 3): Promise<ChainedRecord[]> {
  const out: ChainedRecord[] = [];
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    out.push(...(await store.append(Array.from({ length: n }, (_, k) => testEvent(done + k)))));
    notify();
    await sleep(10);
  }
  return out;
}

/**
 * What is wrong with a delivery: a stored record never received, an id the store does not
 * have, or an order that differs from seq order once repeats (at-least-once) are dropped.
 */
export function deliveryProblems(stored: readonly ChainedRecord[], receivedIds: readonly string[]): string[] {
  const storedIds = stored.map((r) => String(r.event.id));
  const known = new Set(storedIds);
  const firstSeen = [...new Set(receivedIds)];
  const problems: string[] = [];
  const missing = storedIds.filter((id) => !firstSeen.includes(id));
  if (missing.length > 0) problems.push(`never received: ${missing.join(', ')}`);
  const unknown = firstSeen.filter((id) => !known.has(id));
  if (unknown.length > 0) problems.push(`received but not stored: ${unknown.join(', ')}`);
  const inOrder = firstSeen.filter((id) => known.has(id));
  if (missing.length === 0 && inOrder.join() !== storedIds.join()) problems.push(`order differs from seq order: ${inOrder.join(', ')}`);
  return problems;
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A receiver the outage test can take down and bring back. */
export interface OutageReceiver {
  /** Event ids received so far, in arrival order (repeats included). */
  receivedIds(): Promise<string[]>;
  down(): Promise<void>;
  up(): Promise<void>;
}

export interface OutageResult {
  stored: ChainedRecord[];
  received: string[];
  /** The sink's status while the receiver was down. */
  whileDown: { pending: number; lastError?: Error | undefined };
  warnings: string[];
}

/** Short retries so the whole outage takes well under a second of backoff. */
export const TEST_RETRY = { initialMs: 20, maxMs: 150 };

/**
 * Events keep being appended while the receiver goes down and comes back: 12 delivered,
 * receiver down, 12 more (the sink fails and backs off), receiver up, 12 more, then wait
 * for all. The receiver goes down once what was sent arrived (see syslog.ts: TCP syslog
 * cannot notice bytes lost in the instant a server dies).
 */
export async function runOutage(store: AuditStore, sink: AuditSinkTarget, receiver: OutageReceiver): Promise<OutageResult> {
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (m) => void warnings.push(m) };
  const forwarder: Forwarder = createForwarder({ store, sinks: [sink], logger, retry: TEST_RETRY, batchSize: 5 });
  const notify = () => forwarder.notify();
  forwarder.start();
  const ids = async (n: number) => new Set(await receiver.receivedIds()).size >= n;
  await appendEvents(store, 12, notify);
  await waitFor('the first 12 events at the receiver', () => ids(12));
  await receiver.down();
  await appendEvents(store, 12, notify);
  await waitFor('the sink to fail', async () => (await forwarder.status())[0]?.lastError !== undefined);
  const down = (await forwarder.status())[0];
  await receiver.up();
  await appendEvents(store, 12, notify);
  await waitFor('all 36 events at the receiver', () => ids(36));
  await waitFor('the cursor to reach the head', async () => (await forwarder.status())[0]?.pending === 0);
  await forwarder.stop();
  return {
    stored: await store.read(0, 1000),
    received: await receiver.receivedIds(),
    whileDown: { pending: down?.pending ?? 0, lastError: down?.lastError },
    warnings,
  };
}

/**
 * After the outage: a new forwarder over the same store with a new sink resumes after the
 * persisted cursor: it sends the 5 new records and nothing older.
 */
export async function resumeAfterCursor(store: AuditStore, sink: AuditSinkTarget, receiver: OutageReceiver): Promise<{ newIds: string[]; receivedNow: string[] }> {
  const before = (await receiver.receivedIds()).length;
  const added = await appendEvents(store, 5);
  const forwarder = createForwarder({ store, sinks: [sink], logger: silentLogger, retry: TEST_RETRY });
  await forwarder.pump();
  await waitFor('the 5 new events', async () => (await receiver.receivedIds()).length >= before + 5);
  await forwarder.stop();
  return { newIds: added.map((r) => String(r.event.id)), receivedNow: (await receiver.receivedIds()).slice(before) };
}

/** A request as an HTTP receiver saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a receiver's protocol check answers: the status and body, and the event ids it took. */
export interface ReceiverAnswer {
  status: number;
  body: string;
  ids: string[];
}

/**
 * A loopback HTTP server standing in for a collector. `check` implements the receiving
 * side (validates the request, returns the ids it accepted). down() is `outage`: answer
 * 503 to everything, or stop listening (connections refused); up() undoes it, on the same port.
 */
export interface HttpReceiver extends OutageReceiver {
  readonly port: number;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startHttpReceiver(check: (req: ReceivedRequest) => ReceiverAnswer, outage: 'unavailable' | 'closed' = 'unavailable'): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const ids: string[] = [];
  let unavailable = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const answer = unavailable ? { status: 503, body: '{"code":14,"message":"busy"}', ids: [] } : check(request);
      ids.push(...answer.ids);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const closeServer = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return {
    port,
    requests,
    receivedIds: async () => [...ids],
    down: async () => (outage === 'closed' ? closeServer() : void (unavailable = true)),
    up: async () => (outage === 'closed' ? listen(port) : void (unavailable = false)),
    close: async () => (server.listening ? closeServer() : undefined),
  };
}
