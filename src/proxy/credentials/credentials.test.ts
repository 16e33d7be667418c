import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.js';
import type { CredentialRoute } from '../../policy/index.js';
import { injectCredential } from './inject.js';
import { createPlaceholder, placeholderEnv } from './placeholders.js';
import { createScrubber, scrubText } from './scrub.js';
import { createCredentialStore } from './store.js';
import { Secret } from '../../core/index.js';

const route = (r: Partial<CredentialRoute> = {}): CredentialRoute => ({
  name: 'anthropic', hosts: ['api.anthropic.com'], ports: [443], inject: { header: 'x-api-key', prefix: '' },
  source: { env: 'ANTHROPIC_API_KEY' }, placeholderEnv: ['ANTHROPIC_API_KEY'], placeholderPrefix: 'sk-ant-', ...r,
});

function scrub(chunks: string[], secret: string, replacement: string): { out: string; pieces: string[] } {
  const s = createScrubber(secret, replacement);
  const pieces = [...chunks.map((c) => s.write(Buffer.from(c))), s.end()].flatMap((b) => (b === undefined ? [] : [b.toString()]));
  return { out: pieces.join(''), pieces };
}

describe('placeholders', () => {
  it('are random, keep the prefix, and fill every variable of the route', () => {
    const a = createPlaceholder(route());
    const b = createPlaceholder(route());
    expect(a.value).toMatch(/^sk-ant-[A-Za-z0-9]{40}$/);
    expect(a.value).not.toBe(b.value);
    expect(placeholderEnv([{ ...a, route: route({ placeholderEnv: ['A', 'B'] }) }])).toEqual({ A: a.value, B: a.value });
  });
});

describe('scrubber', () => {
  const secret = 'SECRET-abcdef';
  it.each([
    [['before SECRET-abcdef after'], 'before PH after'],
    [['SECRET-', 'abcdef tail'], 'PH tail'],
    [['S', 'E', 'C', 'R', 'E', 'T', '-abc', 'def'], 'PH'],
    [['SECRET-abcdefSECRET-abcdef'], 'PHPH'],
    [['SECRET-abcde', 'X'], 'SECRET-abcdeX'],
    [['no secret here'], 'no secret here'],
    [['ends with SECRET-ab'], 'ends with SECRET-ab'],
  ])('%j -> %j', (chunks, expected) => {
    expect(scrub(chunks, secret, 'PH').out).toBe(expected);
  });

  it('passes a chunk on at once unless its end could start the secret (SSE is not held back)', () => {
    const s = createScrubber(secret, 'PH');
    const write = (text: string) => s.write(Buffer.from(text))?.toString();
    expect(write('data: one\n\n')).toBe('data: one\n\n');
    // Only the tail that could begin the secret waits for the next chunk.
    expect(write('data: SECRET')).toBe('data: ');
    expect(write('-abcdef\n\n')).toBe('PH\n\n');
    expect(s.end()).toBeUndefined();
  });

  it('scrubs header values', () => {
    expect(scrubText('Bearer SECRET-abcdef, SECRET-abcdef', secret, 'PH')).toBe('Bearer PH, PH');
  });
});

describe('injectCredential', () => {
  it.each([
    [{ header: 'x-api-key', prefix: '' }, 'x-api-key', 's3cret'],
    [{ header: 'Authorization', prefix: 'Bearer ' }, 'authorization', 'Bearer s3cret'],
    [{ basicAuth: { username: 'x-access-token' } }, 'authorization', `Basic ${Buffer.from('x-access-token:s3cret').toString('base64')}`],
  ] as const)('%j sets %s', (inject, header, value) => {
    const headers: Record<string, string> = { 'x-api-key': 'placeholder', authorization: 'placeholder' };
    injectCredential(headers, route({ inject: inject as CredentialRoute['inject'] }), new Secret('s3cret'));
    expect(headers[header]).toBe(value);
  });
});

describe('credential store', () => {
  it('reads env, file and command sources, trimmed', async () => {
    const store = createCredentialStore({ env: { K: ' from-env \n' }, clock: systemClock });
    expect((await store.get(route({ source: { env: 'K' } }))).reveal()).toBe('from-env');
    expect((await store.get(route({ name: 'f', source: { file: '/proc/sys/kernel/ostype' } }))).reveal()).toBe('Linux');
    expect((await store.get(route({ name: 'c', source: { command: ['/bin/echo', 'from-command'], ttlSeconds: 60 } }))).reveal()).toBe('from-command');
  });

  it('caches command output for its TTL, then runs it again', async () => {
    let now = 0;
    const store = createCredentialStore({ env: {}, clock: { nowMs: () => now } });
    const r = route({ source: { command: ['/bin/sh', '-c', 'date +%N'], ttlSeconds: 10 } });
    const first = (await store.get(r)).reveal();
    now = 5_000;
    expect((await store.get(r)).reveal()).toBe(first);
    now = 11_000;
    expect((await store.get(r)).reveal()).not.toBe(first);
  });

  it.each([
    [{ env: 'MISSING' }, 'the environment variable MISSING is not set in airlock\'s environment'],
    [{ file: '/nonexistent/key' }, 'cannot read /nonexistent/key (ENOENT)'],
    [{ command: ['/bin/false'], ttlSeconds: 1 }, 'the command /bin/false failed'],
    [{ command: ['/bin/true'], ttlSeconds: 1 }, 'its source gave an empty secret'],
  ] as const)('explains a source that fails: %j', async (source, message) => {
    const store = createCredentialStore({ env: {}, clock: systemClock });
    await expect(store.get(route({ source: source as CredentialRoute['source'] }))).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(message) });
  });
});
