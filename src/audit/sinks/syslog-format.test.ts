import { describe, expect, it } from 'vitest';
import { chainRecord } from '../chain/index.js';
import type { AuditEvent } from '../event.js';
import { escapeParamValue, formatSyslogMessage, frameOctetCounted, printable, structuredData } from './syslog-format.js';
import { testEvent } from './test-kit.js';

const OPTIONS = { appName: 'airlock', facility: 16 };

/** RFC 5424 section 6 HEADER, then STRUCTURED-DATA and MSG (test-side parser). */
const SYSLOG_5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[(?:[^\]"\\]|"(?:[^"\\]|\\.)*")*\]|-) (.*)$/su;

function parse(message: string) {
  const m = SYSLOG_5424.exec(message);
  if (m === null) throw new Error(`not RFC 5424: ${message}`);
  const [, pri, timestamp, hostname, appName, procId, msgId, sd, msg] = m;
  return { pri: Number(pri), timestamp, hostname, appName, procId, msgId, sd, msg };
}

describe('RFC 5424 format', () => {
  it('fills every header field from the record', () => {
    const record = chainRecord(undefined, testEvent(1, 'ses_01HXAAAA'));
    const p = parse(formatSyslogMessage(record, OPTIONS));
    expect(p).toMatchObject({ pri: 16 * 8 + 6, timestamp: record.event.time, hostname: 'laptop-7', appName: 'airlock', procId: '-', msgId: 'net.request.allowed' });
    expect(p.sd).toBe(`[airlock@32473 id="${String(record.event.id)}" sessionId="ses_01HXAAAA" seq="1" hash="${record.hash}"]`);
    // Section 6.4: MSG is UTF-8 after a BOM; here the event's JSON, whole.
    expect(p.msg?.startsWith('\u{FEFF}')).toBe(true);
    expect(JSON.parse(p.msg?.slice(1) ?? '')).toEqual(record.event);
  });

  it.each([
    ['net.request.denied', undefined, 4],
    ['credential.misuse', undefined, 4],
    ['dlp.secret.found', undefined, 4],
    ['policy.finding.created', undefined, 4],
    ['net.request.failed', 'deny', 4],
    ['net.request.allowed', 'allow', 6],
    ['session.started', undefined, 6],
    ['net.request.deniedish', undefined, 6],
    ['misused.thing', undefined, 6],
  ])('%s (decision %s) has severity %i', (type, decision, severity) => {
    const event: AuditEvent = { ...testEvent(1), type, decision };
    expect(parse(formatSyslogMessage(chainRecord(undefined, event), { appName: 'a', facility: 3 })).pri).toBe(3 * 8 + severity);
  });

  it('escapes ", \\ and ] in SD-PARAM values and nothing else (section 6.3.3)', () => {
    expect(escapeParamValue('a"b\\c]d[e=f é')).toBe('a\\"b\\\\c\\]d[e=f é');
    expect(structuredData('x@1', { id: 'q"]\\' })).toBe('[x@1 id="q\\"\\]\\\\"]');
    const event = { ...testEvent(2), id: 'evt_"]\\', sessionId: 'ses_]' };
    const p = parse(formatSyslogMessage(chainRecord(undefined, event), OPTIONS));
    expect(p.sd).toContain(' id="evt_\\"\\]\\\\" sessionId="ses_\\]" seq="1"');
  });

  it('keeps MSGID, HOSTNAME and APP-NAME to printable ASCII and their lengths', () => {
    const event = { ...testEvent(3), type: `a b\u00e9.${'x'.repeat(40)}`, actor: { user: 'u', uid: 1, verified: false, host: 'h\u00f6st name' } };
    const p = parse(formatSyslogMessage(chainRecord(undefined, event), OPTIONS));
    expect(p.msgId).toBe(`ab.${'x'.repeat(29)}`);
    expect(p.msgId).toHaveLength(32);
    expect(p.hostname).toBe('hstname');
    expect(printable('', 48)).toBe('-');
    expect(printable('\u00e9\u00e9', 48)).toBe('-');
  });

  it('uses NILVALUE for a missing host and a time that is not a date, and re-formats other dates', () => {
    const { actor: _actor, ...rest } = testEvent(4);
    const noHost = { ...rest, time: 'yesterday' };
    const p = parse(formatSyslogMessage(chainRecord(undefined, noHost), OPTIONS));
    expect([p.timestamp, p.hostname]).toEqual(['-', '-']);
    const offset = { ...testEvent(4), time: '2024-05-01 14:00:00+02:00' };
    expect(parse(formatSyslogMessage(chainRecord(undefined, offset), OPTIONS)).timestamp).toBe('2024-05-01T12:00:00.000Z');
    const micros = { ...testEvent(4), time: '2024-05-01T12:00:00.123456+02:00' };
    expect(parse(formatSyslogMessage(chainRecord(undefined, micros), OPTIONS)).timestamp).toBe(micros.time);
  });

  it('frames by octet count in bytes, not characters (RFC 6587 section 3.4.1)', () => {
    const framed = frameOctetCounted('<134>1 - - - - - - é\n日');
    const space = framed.indexOf(0x20);
    const length = Number(framed.subarray(0, space).toString('ascii'));
    expect(length).toBe(framed.length - space - 1);
    expect(length).toBe(Buffer.byteLength('<134>1 - - - - - - é\n日'));
  });
});
