import { afterEach, describe, expect, it } from 'vitest';
import { createTestCertificates, startRsyslog } from '../../../test/rsyslog-harness.js';
import type { Rsyslog } from '../../../test/rsyslog-harness.js';
import { canonicalize, silentLogger } from '../../core/index.js';
import { createForwarder } from './forwarder.js';
import { openSyslogTarget } from './syslog.js';
import type { SyslogTargetOptions } from './syslog.js';
import { appendEvents, deliveryProblems, openTestStore, resumeAfterCursor, runOutage, TEST_RETRY } from './test-kit.js';
import type { OutageReceiver } from './test-kit.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The received line as RFC 5424: header, our SD element, BOM and the event JSON. */
const RECEIVED = /^<(\d+)>1 (\S+) laptop-7 airlock - (net\.request\.(?:allowed|denied)) \[airlock@32473 id="(evt_[0-9a-f-]+)" sessionId="(ses_\w+)" seq="(\d+)" hash="([0-9a-f]{64})"\] \u{FEFF}(\{.*\})$/u;

function parseReceived(line: string) {
  const m = RECEIVED.exec(line);
  if (m === null) throw new Error(`rsyslog received a line that is not our RFC 5424 message: ${line}`);
  return { pri: Number(m[1]), time: m[2], type: m[3], id: m[4] ?? '', sessionId: m[5], seq: Number(m[6]), hash: m[7], json: m[8] ?? '' };
}

function receiverOf(rsyslog: Rsyslog): OutageReceiver {
  return {
    receivedIds: async () => (await rsyslog.messages()).map((line) => parseReceived(line).id),
    down: () => rsyslog.stop(),
    up: () => rsyslog.start(),
  };
}

async function setUp(tls: boolean) {
  const rsyslog = await startRsyslog({ tls });
  cleanup.push(() => rsyslog.close());
  const { store, remove } = await openTestStore();
  cleanup.push(async () => {
    await store.close();
    await remove();
  });
  const options: SyslogTargetOptions = { name: 'siem', host: '127.0.0.1', port: rsyslog.port, tls, caFile: rsyslog.caFile, appName: 'airlock', facility: 16 };
  return { rsyslog, store, options };
}

describe.each([
  ['TCP', false],
  ['TLS', true],
])('syslog sink to a real rsyslogd over %s', (_label, tls) => {
  it('loses nothing and keeps seq order while rsyslogd stops and starts again, and resumes from the cursor', async () => {
    const { rsyslog, store, options } = await setUp(tls);
    const receiver = receiverOf(rsyslog);
    const result = await runOutage(store, await openSyslogTarget(options), receiver);

    expect(result.whileDown.pending).toBeGreaterThan(0);
    expect(result.whileDown.lastError).toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${String(rsyslog.port)}`) });
    expect(deliveryProblems(result.stored, result.received)).toEqual([]);
    expect(await store.getCursor('sink:siem')).toBe(result.stored.at(-1)?.seq);

    // Every line carries the stored record: its seq, hash, severity and the event's exact JSON.
    const bySeq = new Map(result.stored.map((r) => [r.seq, r]));
    for (const line of await rsyslog.messages()) {
      const got = parseReceived(line);
      const record = bySeq.get(got.seq);
      expect(got).toMatchObject({ id: record?.event.id, hash: record?.hash, sessionId: record?.event.sessionId, time: record?.event.time, type: record?.event.type });
      expect(got.pri).toBe(16 * 8 + (record?.event.type === 'net.request.denied' ? 4 : 6));
      expect(got.json).toBe(canonicalize(record?.event));
    }

    const resumed = await resumeAfterCursor(store, await openSyslogTarget(options), receiver);
    expect(resumed.receivedNow).toEqual(resumed.newIds);
  });
});

describe('syslog sink over TLS', () => {
  it('refuses a server whose certificate another CA signed, and sends nothing', async () => {
    const { rsyslog, store, options } = await setUp(true);
    const other = await createTestCertificates(rsyslog.dir, 'other');
    const sink = await openSyslogTarget({ ...options, caFile: other.caFile });
    await appendEvents(store, 3);
    const forwarder = createForwarder({ store, sinks: [sink], logger: silentLogger, retry: TEST_RETRY });
    const [status] = await forwarder.drain(300);
    await forwarder.stop();
    expect(status).toMatchObject({ cursor: 0, pending: 3 });
    expect(status?.lastError).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/certificate that is not trusted .*caFile/) });
    expect(await rsyslog.messages()).toEqual([]);
  });

  it('says which caFile it cannot read', async () => {
    await expect(openSyslogTarget({ name: 's', host: '127.0.0.1', port: 1, tls: true, caFile: '/nonexistent/ca.pem', appName: 'a', facility: 16 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('/nonexistent/ca.pem'),
    });
  });
});
