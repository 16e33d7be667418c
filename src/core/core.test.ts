import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AirlockError, ERROR_CODES, Secret, canonicalize, createSessionId, isSessionId, toAirlockError } from './index.js';

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('sk-live-123');
    expect(String(s)).toBe('[redacted]');
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(inspect(s)).toBe('[redacted]');
    expect(`${s}`).not.toContain('sk-live');
    expect(s.reveal()).toBe('sk-live-123');
  });
});

describe('AirlockError', () => {
  it.each(Object.entries(ERROR_CODES))('%s has its exit code', (code, { exit }) => {
    expect(new AirlockError(code as keyof typeof ERROR_CODES, 'x').exitCode).toBe(exit);
  });

  it('uses sysexits for the documented cases', () => {
    expect(ERROR_CODES.USAGE.exit).toBe(64);
    expect(ERROR_CODES.DRIVER_UNAVAILABLE.exit).toBe(69);
    expect(ERROR_CODES.INTERNAL.exit).toBe(70);
    expect(ERROR_CODES.TOOL_DENIED.exit).toBe(77);
    expect(ERROR_CODES.POLICY_INVALID.exit).toBe(78);
  });

  it('wraps foreign errors as INTERNAL and keeps its own', () => {
    expect(toAirlockError(new Error('boom')).code).toBe('INTERNAL');
    const own = new AirlockError('USAGE', 'bad');
    expect(toAirlockError(own)).toBe(own);
  });
});

describe('session ids', () => {
  it('sort by time and are safe in paths and labels', () => {
    const a = createSessionId(1_700_000_000_000);
    const b = createSessionId(1_700_000_000_001);
    expect(isSessionId(a)).toBe(true);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9a-z]{26}$/);
  });

  it.each(['', 'ABCDEFGHJKMNPQRSTVWXYZ0123', '../../etc/passwd0000000000', 'cgroup.procs'])('rejects %j', (v) => {
    expect(isSessionId(v)).toBe(false);
  });
});

describe('canonicalize (core export, used for the policy hash)', () => {
  it('sorts keys and drops undefined, so equal values hash equally', () => {
    expect(canonicalize({ b: 1, a: [true, null, 'x'], c: undefined })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(canonicalize({ a: 1, b: 2 })).toBe(canonicalize({ b: 2, a: 1 }));
  });
});
