import { describe, expect, it } from 'vitest';
import { Secret, silentLogger } from '../../core/index.js';
import { openSinkTarget, openSinkTargets } from './open.js';
import { facilityNumber } from './types.js';
import type { SinkConfig } from './types.js';

describe('sink configuration', () => {
  it('numbers syslog facilities by name or number', () => {
    expect(facilityNumber('local0')).toBe(16);
    expect(facilityNumber(13)).toBe(13);
  });
});

describe('openSinkTarget', () => {
  const deps = { readSecret: async () => new Secret('t'), hostname: 'h', logger: silentLogger, nowMs: Date.now };

  it('picks the implementation by kind and names it by its name, else its kind', async () => {
    const targets = await openSinkTargets(
      [
        { kind: 'jsonl', path: '/tmp/never-written.jsonl', maxBytes: 100 * 1024 * 1024, keep: 5 },
        { kind: 'syslog', name: 'siem', host: '127.0.0.1', port: 514, tls: false, appName: 'airlock', facility: 'local0' },
        { kind: 'otlp', url: 'http://127.0.0.1:4318/v1/logs' },
        { kind: 'hec', url: 'http://127.0.0.1:8088/services/collector/event', token: { file: '/run/secrets/hec' } },
      ] satisfies SinkConfig[],
      deps,
    );
    expect(targets.map((t) => t.name)).toEqual(['jsonl', 'siem', 'otlp', 'hec']);
    await Promise.all(targets.map((t) => t.close()));
  });

  it('fails on a caFile it cannot read, naming it', async () => {
    const config: SinkConfig = { kind: 'syslog', host: 'h', port: 6514, tls: true, caFile: '/nonexistent/ca.pem', appName: 'airlock', facility: 'local0' };
    await expect(openSinkTarget(config, deps)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('/nonexistent/ca.pem') });
  });
});
