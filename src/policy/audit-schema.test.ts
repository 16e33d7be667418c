import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditSinkSchema, AuditSinksSchema } from './audit-schema.js';

const paths = (value: unknown) => AuditSinksSchema.safeParse(value).error?.issues.map((i) => i.path.join('.')) ?? [];

describe('audit.sinks configuration', () => {
  it('fills the documented defaults', () => {
    expect(AuditSinkSchema.parse({ kind: 'jsonl', path: '/var/log/airlock.jsonl' })).toEqual({ kind: 'jsonl', path: '/var/log/airlock.jsonl', maxBytes: 100 * 1024 * 1024, keep: 5 });
    const syslog = AuditSinkSchema.parse({ kind: 'syslog', host: 'siem.example', port: 6514 });
    expect(syslog).toEqual({ kind: 'syslog', host: 'siem.example', port: 6514, tls: false, appName: 'airlock', facility: 'local0' });
  });

  it.each([
    ['a misspelt key', [{ kind: 'jsonl', path: '/x', maxbytes: 10 }], ['0']],
    ['an unknown kind', [{ kind: 'kafka', url: 'http://x' }], ['0.kind']],
    ['a token given inline instead of a source', [{ kind: 'hec', url: 'https://splunk:8088/services/collector/event', token: 'abc' }], ['0.token']],
    ['a token source of neither kind', [{ kind: 'hec', url: 'https://splunk:8088/services/collector/event', token: { value: 'abc' } }], ['0.token']],
    ['a URL that is not http(s)', [{ kind: 'otlp', url: 'ftp://collector/v1/logs' }], ['0.url']],
    ['caFile without tls', [{ kind: 'syslog', host: 'h', port: 514, caFile: '/ca.pem' }], ['0.caFile']],
    ['a facility out of range', [{ kind: 'syslog', host: 'h', port: 514, facility: 24 }], ['0.facility']],
    ['an APP-NAME with a space', [{ kind: 'syslog', host: 'h', port: 514, appName: 'air lock' }], ['0.appName']],
    ['two sinks of one kind without names', [{ kind: 'otlp', url: 'http://a/v1/logs' }, { kind: 'otlp', url: 'http://b/v1/logs' }], ['1.name']],
    ['a relative path', [{ kind: 'jsonl', path: 'logs/audit.jsonl' }], ['0.path']],
    ['a path with ..', [{ kind: 'syslog', host: 'h', port: 6514, tls: true, caFile: '/etc/../ca.pem' }], ['0.caFile']],
    ['an upper-case name', [{ kind: 'jsonl', name: 'SIEM', path: '/x' }], ['0.name']],
  ])('refuses %s', (_label, value, expected) => {
    expect(paths(value)).toEqual(expected);
  });

  it('accepts near misses of the refusals', () => {
    const ok = AuditSinksSchema.parse([
      { kind: 'otlp', name: 'otel-a', url: 'http://127.0.0.1:4318/v1/logs', headers: { 'x-api-key': 'k' } },
      { kind: 'otlp', name: 'otel-b', url: 'https://collector.example/v1/logs' },
      { kind: 'hec', url: 'https://splunk:8088/services/collector/event', token: { env: 'SPLUNK_HEC_TOKEN' } },
      { kind: 'syslog', host: 'h', port: 6514, tls: true, caFile: '/ca.pem', facility: 'auth' },
    ]);
    expect(ok).toHaveLength(4);
  });

  it('yields a JSON Schema for editors', () => {
    const schema = JSON.stringify(z.toJSONSchema(AuditSinksSchema, { io: 'input' }));
    expect(schema).toContain('"jsonl"');
  });
});

