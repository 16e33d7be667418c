import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canonicalize, silentLogger } from '../../core/index.js';
import { chainRecord } from '../chain/index.js';
import { stampEvent } from '../envelope.js';
import { createForwarder } from './forwarder.js';
import { openOtlpTarget, otlpLogsRequest } from './otlp.js';
import { appendEvents, deliveryProblems, openTestStore, resumeAfterCursor, runOutage, startHttpReceiver, testContext, testEvent, TEST_RETRY } from './test-kit.js';
import type { ReceivedRequest, ReceiverAnswer } from './test-kit.js';

// The receiving side, as opentelemetry-proto's JSON mapping defines it (protojson: unknown
// fields are errors, int64 are strings, enums numbers).
const AnyValue = z.union([z.strictObject({ stringValue: z.string() }), z.strictObject({ intValue: z.string().regex(/^-?\d+$/) })]);
const KeyValue = z.strictObject({ key: z.string().min(1), value: AnyValue });
const Nanos = z.string().regex(/^\d+$/);
const LogRecord = z.strictObject({
  timeUnixNano: Nanos,
  observedTimeUnixNano: Nanos,
  severityNumber: z.number().int().min(1).max(24),
  severityText: z.string(),
  body: AnyValue,
  attributes: z.array(KeyValue),
});
const ExportLogsServiceRequest = z.strictObject({
  resourceLogs: z.array(z.strictObject({
    resource: z.strictObject({ attributes: z.array(KeyValue) }),
    scopeLogs: z.array(z.strictObject({ scope: z.strictObject({ name: z.string() }), logRecords: z.array(LogRecord) })),
  })),
});

const attr = (attributes: z.infer<typeof KeyValue>[], key: string) => {
  const value = attributes.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : 'stringValue' in value ? value.stringValue : value.intValue;
};

/** An OTLP/HTTP logs receiver: 400 with a google.rpc.Status for anything malformed. */
function otlpCollector(req: ReceivedRequest): ReceiverAnswer {
  const bad = (message: string) => ({ status: 400, body: JSON.stringify({ code: 3, message }), ids: [] });
  if (req.method !== 'POST' || req.path !== '/v1/logs') return { status: 404, body: '', ids: [] };
  if (req.headers['content-type'] !== 'application/json') return { status: 415, body: '', ids: [] };
  if (req.headers['x-api-key'] !== 'k-123') return { status: 401, body: '{"code":16,"message":"no api key"}', ids: [] };
  const parsed = ExportLogsServiceRequest.safeParse(JSON.parse(req.body));
  if (!parsed.success) return bad(parsed.error.message);
  const ids: string[] = [];
  for (const rl of parsed.data.resourceLogs) {
    if (attr(rl.resource.attributes, 'service.name') !== 'airlock') return bad('service.name');
    for (const lr of rl.scopeLogs.flatMap((s) => s.logRecords)) {
      const event = JSON.parse('stringValue' in lr.body ? lr.body.stringValue : 'null') as { id: string; actor: { host: string } };
      if (attr(lr.attributes, 'airlock.event.id') !== event.id || attr(rl.resource.attributes, 'host.name') !== event.actor.host) return bad('attributes disagree with the body');
      ids.push(event.id);
    }
  }
  return { status: 200, body: '{}', ids };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setUp(check = otlpCollector, outage: 'unavailable' | 'closed' = 'unavailable') {
  const receiver = await startHttpReceiver(check, outage);
  const { store, remove } = await openTestStore();
  cleanup.push(() => receiver.close(), async () => {
    await store.close();
    await remove();
  });
  const warnings: string[] = [];
  const open = () => openOtlpTarget({
    name: 'otel', url: `http://127.0.0.1:${String(receiver.port)}/v1/logs`, headers: { 'x-api-key': 'k-123' },
    hostname: 'this-host', nowMs: () => 1714564800000, logger: { ...silentLogger, warn: (m) => void warnings.push(m) },
  });
  return { receiver, store, open, warnings };
}

describe('OTLP/HTTP JSON encoding', () => {
  it('builds an ExportLogsServiceRequest with one resource per host, int64 as strings', () => {
    const a = chainRecord(undefined, testEvent(0, 'ses_a'));
    const b = chainRecord(a, stampEvent(testContext('ses_b', 'build-9'), 'evt_b', { type: 'session.started', time: '2024-05-01T12:00:00.123Z', sessionId: 'x' }));
    const request = ExportLogsServiceRequest.parse(otlpLogsRequest([a, b], { hostname: 'h', nowMs: () => 1714564800000 }));
    expect(request.resourceLogs.map((r) => attr(r.resource.attributes, 'host.name'))).toEqual(['laptop-7', 'build-9']);
    expect(request.resourceLogs[0]?.scopeLogs[0]?.scope.name).toBe('airlock.audit');
    const [denied] = request.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    const [started] = request.resourceLogs[1]?.scopeLogs[0]?.logRecords ?? [];
    expect(denied).toMatchObject({ severityNumber: 13, severityText: 'WARN', observedTimeUnixNano: '1714564800000000000', body: { stringValue: canonicalize(a.event) } });
    expect(started).toMatchObject({ timeUnixNano: '1714564800123000000', severityNumber: 9, severityText: 'INFO' });
    expect(started?.attributes).toEqual([
      { key: 'airlock.event.id', value: { stringValue: 'evt_b' } },
      { key: 'airlock.event.type', value: { stringValue: 'session.started' } },
      { key: 'airlock.session.id', value: { stringValue: 'ses_b' } },
      { key: 'airlock.seq', value: { intValue: '2' } },
      { key: 'airlock.hash', value: { stringValue: b.hash } },
      { key: 'airlock.actor.user', value: { stringValue: 'dev@example.com' } },
      { key: 'airlock.tool.name', value: { stringValue: 'claude' } },
    ]);
  });
});

describe('OTLP sink', () => {
  it.each(['unavailable', 'closed'] as const)('loses nothing and keeps order while the collector is %s, and resumes from the cursor', async (outage) => {
    const { receiver, store, open } = await setUp(otlpCollector, outage);
    const result = await runOutage(store, open(), receiver);
    expect(result.whileDown.lastError).toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    // A collector that went away refuses new connections, or resets one kept alive from before.
    expect(result.warnings.join('\n')).toMatch(outage === 'closed' ? /ECONNREFUSED|ECONNRESET/ : /HTTP 503/);
    expect(deliveryProblems(result.stored, result.received)).toEqual([]);
    const resumed = await resumeAfterCursor(store, open(), receiver);
    expect(resumed.receivedNow).toEqual(resumed.newIds);
    expect(await store.getCursor('sink:otel')).toBe((await store.head())?.seq);
  });

  it('reports a 400 as a permanent error with the collector message, and keeps the records', async () => {
    const { receiver, store, open } = await setUp(() => ({ status: 400, body: '{"code":3,"message":"logRecords[0]: bad severity"}', ids: [] }));
    await appendEvents(store, 4);
    const forwarder = createForwarder({ store, sinks: [open()], logger: silentLogger, retry: TEST_RETRY });
    const [status] = await forwarder.drain(200);
    await forwarder.stop();
    expect(status).toMatchObject({ name: 'otel', cursor: 0, pending: 4 });
    expect(status?.lastError).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/refused the audit records \(HTTP 400: .*bad severity.*\); this will not pass by itself/) });
    // A permanent error is retried at maxMs, not hammered.
    expect(receiver.requests.length).toBeLessThanOrEqual(3);
  });

  it('does not retry a partial success, and says how many records the collector dropped', async () => {
    const { store, open, warnings, receiver } = await setUp((req) => ({ ...otlpCollector(req), body: '{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"too old"}}' }));
    await appendEvents(store, 2);
    const forwarder = createForwarder({ store, sinks: [open()], logger: silentLogger, retry: TEST_RETRY });
    await forwarder.pump();
    await forwarder.stop();
    expect(receiver.requests).toHaveLength(1);
    expect(await store.getCursor('sink:otel')).toBe(2);
    expect(warnings).toEqual([expect.stringContaining('dropped 1 records (too old)')]);
  });
});
