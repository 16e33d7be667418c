import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, silentLogger } from '../core/index.js';
import { createScanCache, createScanner } from '../dlp/index.js';
import { checksummedToken, createRng, randomChars, BASE62, sampleTokens } from '../dlp/test-tokens.js';
import { builtInPolicy } from '../policy/index.js';
import type { CredentialRoute } from '../policy/index.js';
import type { BodyRequest, BodyVerdict, EgressSetup } from '../proxy/index.js';
import { createSessionInspector } from './body-inspection.js';
import { createDlpInspector, redact } from './dlp-inspector.js';
import { buildCodeIndex } from '../workspace/index.js';

const rng = createRng(11);
const tokens = sampleTokens(rng);
const gh = checksummedToken(rng, 'ghp_');
/** A secret of no known format: only the exact match of what Airlock holds can find it. */
const held = `zq${randomChars(rng, BASE62, 30)}+/${randomChars(rng, BASE62, 6)}==`;
const placeholder = `sk-ant-api03-${randomChars(rng, BASE62, 93)}AA`;

const route = (name: string, dlp?: 'block' | 'redact' | 'alert'): CredentialRoute => ({
  name, hosts: [`${name}.test`], ports: [443], inject: { header: 'x-api-key', prefix: '' }, source: { env: 'X' }, placeholderEnv: [], placeholderPrefix: '',
  ...(dlp === undefined ? {} : { dlp }),
});
const routes = [route('redacting', 'redact'), route('blocking', 'block'), route('alerting', 'alert'), route('default')];

function inspector(onHigh: 'block' | 'redact' | 'alert' = 'block') {
  const scanner = createScanner({ knownSecrets: [{ name: 'credential route default', value: new Secret(held) }] });
  return createDlpInspector({ scanner, cache: createScanCache(), policy: { onHigh }, routes, placeholders: [placeholder] });
}
const req = (r: string | undefined): BodyRequest => ({ method: 'POST', host: `${r ?? 'other'}.test`, port: 443, path: '/v1/messages', route: r });
const prompt = (content: string) => Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] }));
const inspect = async (body: Buffer, r: string | undefined, onHigh?: 'block' | 'redact' | 'alert'): Promise<BodyVerdict> => inspector(onHigh).inspect(body, req(r));

describe('DLP in the proxy: what a finding does', () => {
  it('blocks a high-confidence secret on a route that says block, with one event per finding', async () => {
    const v = await inspect(prompt(`deploy with ${gh} and ${tokens['aws-access-key-id']}`), 'blocking');
    expect(v).toMatchObject({ allow: false, code: 'EGRESS_SECRET', rule: 'credentials:blocking.dlp' });
    expect(v.events?.map((e) => e.type)).toEqual(['dlp.secret.blocked', 'dlp.secret.blocked']);
    expect(v.events?.map((e) => e.fields.rule).sort()).toEqual(['aws-access-key-id', 'github-token']);
  });

  it('redacts on a route that says redact: the secret bytes are gone, the JSON still parses, the rest is intact', async () => {
    const body = prompt(`key:\n${tokens['private-key']}\nand ${gh} end`);
    const v = await inspect(body, 'redacting');
    expect(v.allow).toBe(true);
    if (!v.allow) return;
    const sent = v.body?.toString() ?? '';
    expect(sent).not.toContain(gh);
    expect(sent).not.toContain('PRIVATE KEY');
    expect(sent).toContain('[airlock-redacted:github-token]');
    expect(sent).toContain('[airlock-redacted:private-key]');
    const parsed = JSON.parse(sent) as { messages: { content: string }[] };
    expect(parsed.messages[0]?.content).toMatch(/^key:\n\[airlock-redacted:private-key\]\nand \[airlock-redacted:github-token\] end$/);
    expect(v.events?.map((e) => e.type)).toEqual(['dlp.secret.redacted', 'dlp.secret.redacted']);
  });

  it('only records on a route that says alert, and sends the body as it was', async () => {
    const v = await inspect(prompt(`token ${gh}`), 'alerting');
    expect(v).toMatchObject({ allow: true, events: [{ type: 'dlp.secret.alert', fields: { rule: 'github-token', confidence: 'high', route: 'alerting' } }] });
    expect(v.allow && v.body).toBeFalsy();
  });

  it('uses dlp.onHigh for a route without dlp and for a request outside any route', async () => {
    expect(await inspect(prompt(gh), 'default', 'block')).toMatchObject({ allow: false, rule: 'dlp.onHigh' });
    expect(await inspect(prompt(gh), undefined, 'block')).toMatchObject({ allow: false, rule: 'dlp.onHigh' });
    expect(await inspect(prompt(gh), undefined, 'redact')).toMatchObject({ allow: true, body: expect.any(Buffer) });
  });

  it('lets a body with only low-confidence findings through everywhere, recording an alert', async () => {
    const low = `{"messages":[{"role":"user","content":"config: api_key = \\"${randomChars(rng, BASE62, 28)}\\""}]}`;
    const v = await inspect(Buffer.from(low), 'blocking');
    expect(v).toMatchObject({ allow: true, events: [{ type: 'dlp.secret.alert', fields: { confidence: 'low' } }] });
  });

  it('passes a clean body with no events', async () => {
    expect(await inspect(prompt('please refactor src/util.ts'), 'blocking')).toEqual({ allow: true, events: [] });
  });

  it.each([
    ['raw', held],
    ['base64', Buffer.from(`user:${held}`).toString('base64')],
    ['URL-encoded', `a=${encodeURIComponent(held)}&b=1`],
  ])('finds a secret Airlock holds, %s, though it has no known format', async (_how, text) => {
    const v = await inspect(prompt(`look: ${text}`), 'blocking');
    expect(v).toMatchObject({ allow: false, code: 'EGRESS_SECRET' });
    expect(v.events?.[0]?.fields).toMatchObject({ rule: 'known-secret', confidence: 'high', label: 'credential route default' });
  });

  it('never takes a placeholder the sandbox was given for a secret, whatever it looks like', async () => {
    expect(await inspect(prompt(`my key is ${placeholder}`), 'blocking')).toEqual({ allow: true, events: [] });
  });

  it('puts rule, place and hash in its events, never the secret', async () => {
    const v = await inspect(prompt(`${gh} ${held} ${tokens['stripe-key']}`), 'redacting');
    const text = JSON.stringify(v.events);
    for (const s of [gh, held, tokens['stripe-key'] ?? '']) expect(text).not.toContain(s.slice(4, -4));
    for (const e of v.events ?? []) expect(e.fields).toMatchObject({ offset: expect.any(Number), length: expect.any(Number), hmac: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('scans a conversation re-sent every turn once per new message (the cache)', async () => {
    const cache = createScanCache();
    const dlp = createDlpInspector({ scanner: createScanner(), cache, policy: { onHigh: 'block' }, routes, placeholders: [] });
    const messages: { role: string; content: string }[] = [];
    for (let turn = 0; turn < 20; turn++) {
      messages.push({ role: turn % 2 ? 'assistant' : 'user', content: `turn ${turn}: ${'some ordinary text about the code. '.repeat(200)}` });
      const missesBefore = cache.stats.misses;
      await dlp.inspect(Buffer.from(JSON.stringify({ messages })), req('blocking'));
      expect(cache.stats.misses - missesBefore, `turn ${turn}`).toBeLessThanOrEqual(2);
    }
    expect(cache.stats.hits).toBeGreaterThanOrEqual((19 * 20) / 2 - 20);
  });

});

describe('DLP on the URL and headers', () => {
  const head = (lines: string[]) => Buffer.from(lines.join('\n'), 'latin1');
  it('refuses a secret in the query even on a redacting route: a URL cannot be redacted', () => {
    const v = inspector().inspectHead?.(head([`/search?q=${gh}`, 'host: redacting.test']), req('redacting'));
    expect(v).toMatchObject({ allow: false, code: 'EGRESS_SECRET', rule: 'credentials:redacting.dlp', events: [{ type: 'dlp.secret.blocked', fields: { rule: 'github-token', part: 'head' } }] });
    expect(v?.allow === false && v.message).toMatch(/URL or headers/);
    expect(v?.auditPath).toBe('/search?q=[airlock-redacted:github-token]');
  });

  it('refuses a secret Airlock holds in a header, and only records on an alerting route', () => {
    expect(inspector().inspectHead?.(head(['/v1', `x-data: ${held}`]), req('blocking'))).toMatchObject({ allow: false, code: 'EGRESS_SECRET' });
    expect(inspector().inspectHead?.(head(['/v1', `x-data: ${gh}`]), req('alerting'))).toMatchObject({ allow: true, events: [{ type: 'dlp.secret.alert' }] });
  });

  it('passes the placeholder in its header, and an ordinary head, with no events', () => {
    expect(inspector().inspectHead?.(head(['/v1/messages?beta=true', `x-api-key: ${placeholder}`, 'authorization: Bearer ' + placeholder, 'user-agent: claude-cli/2.1']), req('blocking'))).toEqual({ allow: true, events: [] });
  });
});

describe('redact', () => {
  it('merges overlapping findings into one mark', () => {
    const body = Buffer.from('aaaaSECRETSECRETbbbb');
    const f = (offset: number, length: number, rule: string) => ({ rule, confidence: 'high' as const, offset, length, hmac: '0'.repeat(64), preview: '' });
    expect(redact(body, [f(4, 8, 'one'), f(8, 8, 'two')])?.toString()).toBe('aaaa[airlock-redacted:one]bbbb');
  });

  it('gives up (the caller blocks) when a redaction would break a JSON body', () => {
    const body = Buffer.from('{"a":"x","b":"y"}');
    expect(redact(body, [{ rule: 'r', confidence: 'high', offset: 7, length: 5, hmac: '0'.repeat(64), preview: '' }])).toBeUndefined();
  });
});

describe('the session inspector', () => {
  const home = mkdtempSync(join(tmpdir(), 'airlock-dlp-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const policy = builtInPolicy();
  const setup = (secret: string): EgressSetup => ({
    placeholders: [], credentials: { get: async () => new Secret(secret) }, ca: undefined, upstreamCa: async () => [], caFiles: undefined,
  });
  const make = (secret: string, dlp = policy.dlp) =>
    createSessionInspector({ home, policy: { ...policy, dlp, credentials: [route('default')] }, setup: setup(secret), codeIndex: buildCodeIndex(home, []), logger: silentLogger });

  it('hashes a secret the same way in every session of one Airlock home, with a key kept 0600', async () => {
    const a = await (await make(held)).inspect(prompt(gh), req('default'));
    const b = await (await make(held)).inspect(prompt(gh), req('default'));
    expect(a.events?.[0]?.fields.hmac).toBe(b.events?.[0]?.fields.hmac);
    expect(statSync(join(home, 'dlp', 'finding-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('knows the routes\' secrets', async () => {
    expect(await (await make(held)).inspect(prompt(held), req(undefined))).toMatchObject({ allow: false, code: 'EGRESS_SECRET' });
  });

  it('with dlp.enabled false, does no DLP', async () => {
    const off = await make(held, { ...policy.dlp, enabled: false });
    expect(await off.inspect(prompt(held), req(undefined))).toEqual({ allow: true, events: [] });
  });
});
