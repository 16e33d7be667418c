import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AirlockError, Secret } from '../../core/index.js';
import type { Logger } from '../../core/index.js';
import { chainRecord } from '../chain/index.js';
import { createForwarder } from './forwarder.js';
import { hecEvent, openHecTarget } from './hec.js';
import { appendEvents, deliveryProblems, openTestStore, resumeAfterCursor, runOutage, startHttpReceiver, testEvent, TEST_RETRY } from './test-kit.js';
import type { ReceivedRequest, ReceiverAnswer } from './test-kit.js';
import type { CredentialSource } from './types.js';

const TOKEN = 'f3e1c2d4-hec-token-b5a6';

const HecEvent = z.strictObject({
  time: z.number(),
  host: z.string().min(1),
  source: z.literal('airlock'),
  sourcetype: z.literal('airlock:audit'),
  event: z.looseObject({ id: z.string(), sessionId: z.string(), seq: z.number().int(), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
});

/** The HEC event endpoint as Splunk answers it (codes from its REST API reference). */
function hecCollector(req: ReceivedRequest): ReceiverAnswer {
  const answer = (status: number, code: number, text: string) => ({ status, body: JSON.stringify({ text, code }), ids: [] });
  if (req.method !== 'POST' || req.path !== '/services/collector/event') return answer(404, 404, 'The requested URL was not found');
  const auth = req.headers.authorization;
  if (auth === undefined) return answer(401, 2, 'Token is required');
  if (auth !== `Splunk ${TOKEN}`) return answer(403, 4, 'Invalid token');
  const ids: string[] = [];
  for (const [i, line] of req.body.split('\n').entries()) {
    const parsed = HecEvent.safeParse(JSON.parse(line));
    if (!parsed.success) return { status: 400, body: JSON.stringify({ text: 'Invalid data format', code: 6, 'invalid-event-number': i }), ids: [] };
    ids.push(parsed.data.event.id);
  }
  return { status: 200, body: '{"text":"Success","code":0}', ids };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setUp(check = hecCollector, outage: 'unavailable' | 'closed' = 'unavailable') {
  const receiver = await startHttpReceiver(check, outage);
  const { store, remove } = await openTestStore();
  cleanup.push(() => receiver.close(), async () => {
    await store.close();
    await remove();
  });
  const reads: CredentialSource[] = [];
  let token = TOKEN;
  const open = () => openHecTarget({
    name: 'splunk', url: `http://127.0.0.1:${String(receiver.port)}/services/collector/event`, token: { env: 'AIRLOCK_HEC_TOKEN' }, hostname: 'this-host',
    readSecret: async (source) => {
      reads.push(source);
      return new Secret(token);
    },
  });
  return { receiver, store, open, reads, setToken: (t: string) => void (token = t) };
}

describe('HEC event', () => {
  it('carries epoch seconds with milliseconds, the host, source, sourcetype, and the event with seq and hash', () => {
    const record = chainRecord(undefined, { ...testEvent(1), time: '2024-05-01T12:00:00.123Z' });
    const event = HecEvent.parse(hecEvent(record, 'h'));
    expect(event).toMatchObject({ time: 1714564800.123, host: 'laptop-7', source: 'airlock', sourcetype: 'airlock:audit' });
    expect(event.event).toEqual({ ...record.event, seq: 1, hash: record.hash });
  });
});

describe('HEC sink', () => {
  it.each(['unavailable', 'closed'] as const)('loses nothing and keeps order while HEC is %s, and resumes from the cursor', async (outage) => {
    const { receiver, store, open, reads } = await setUp(hecCollector, outage);
    const result = await runOutage(store, open(), receiver);
    expect(result.whileDown.lastError).toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(deliveryProblems(result.stored, result.received)).toEqual([]);
    // Read at the first delivery, then kept.
    expect(reads).toEqual([{ env: 'AIRLOCK_HEC_TOKEN' }]);
    const resumed = await resumeAfterCursor(store, open(), receiver);
    expect(resumed.receivedNow).toEqual(resumed.newIds);
  });

  it('never puts the token in an error or a log line, even when the receiver echoes it, and reads it again after a 403', async () => {
    const echo = (req: ReceivedRequest) => ({ status: 403, body: JSON.stringify({ text: `Invalid token: ${String(req.headers.authorization)}`, code: 4 }), ids: [] });
    const { store, open, reads, setToken } = await setUp(echo);
    setToken(`${TOKEN}-old`);
    const sink = open();
    expect(reads).toEqual([]);
    await appendEvents(store, 2);
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), debug: (m) => lines.push(m) };
    const forwarder = createForwarder({ store, sinks: [sink], logger, retry: TEST_RETRY });
    const [status] = await forwarder.drain(250);
    await forwarder.stop();
    expect(status?.lastError).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('HTTP 403') });
    expect(status?.lastError?.message).toContain('Invalid token: Splunk [redacted]');
    const seen = [status?.lastError?.message, JSON.stringify(status), String(status?.lastError?.stack), ...lines].join('\n');
    expect(seen).not.toContain(TOKEN);
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });

  it('starts sending once a wrong token is fixed at its source', async () => {
    const { store, open, setToken, receiver } = await setUp();
    setToken('wrong');
    await appendEvents(store, 3);
    const forwarder = createForwarder({ store, sinks: [open()], logger: { info: () => {}, warn: () => {}, debug: () => {} }, retry: TEST_RETRY });
    expect((await forwarder.drain(50))[0]?.lastError?.code).toBe('CONFIG_INVALID');
    setToken(TOKEN);
    expect((await forwarder.drain(2000))[0]).toMatchObject({ pending: 0, cursor: 3 });
    await forwarder.stop();
    expect(new Set(await receiver.receivedIds()).size).toBe(3);
  });

  it('passes on what readSecret says when the token cannot be read', async () => {
    const { receiver } = await setUp();
    const sink = openHecTarget({
      name: 'splunk', url: `http://127.0.0.1:${String(receiver.port)}/services/collector/event`, token: { file: '/run/secrets/hec' }, hostname: 'h',
      readSecret: () => Promise.reject(new AirlockError('CONFIG_INVALID', 'cannot read /run/secrets/hec: no such file')),
    });
    await expect(sink.deliver([chainRecord(undefined, testEvent(1))])).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: 'cannot read /run/secrets/hec: no such file' });
    expect(receiver.requests).toEqual([]);
    await sink.close();
  });
});
