import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE62, checksummedToken, createRng, randomChars, sampleTokens } from '../../src/dlp/test-tokens.js';
import { DRIVERS, airlock, hostWriterUid, makeRepo, sessionEvents, tempDir } from '../helpers.js';
import type { AirlockRun } from '../helpers.js';
import { sessionIdFrom } from '../leftovers.js';
import { createTestUpstreamCa, startHttpsUpstream } from '../upstreams.js';
import type { Upstream } from '../upstreams.js';

const rng = createRng(2026);
const aws = sampleTokens(rng)['aws-access-key-id'] ?? '';
const gh = checksummedToken(rng, 'ghp_');
/** The blocking route's real key: of no known format, so only its exact match can find it. */
const held = `zq${randomChars(rng, BASE62, 30)}+/${randomChars(rng, BASE62, 8)}`;
const redactKey = `rk-${randomChars(rng, BASE62, 40)}`;
const lowOnly = `api_key = "${randomChars(rng, BASE62, 28)}"`;

function policyYaml(p: Record<string, number>, caFile: string): string {
  const route = (name: string, host: string, port: number, env: string, dlp: string) => `  - { name: ${name}, hosts: [${host}], ports: [${port}], inject: { header: x-api-key }, source: { env: ${env} }, placeholderEnv: [${env}], dlp: ${dlp} }`;
  return `version: 1
egress:
  allow: [{ host: alert.test, ports: [${p.alert}], inspect: true }]
  resolve: { redact.test: 127.0.0.1, block.test: 127.0.0.1, alert.test: 127.0.0.1 }
credentials:
${route('redacting', 'redact.test', p.redact ?? 0, 'REDACT_KEY', 'redact')}
${route('blocking', 'block.test', p.block ?? 0, 'BLOCK_KEY', 'block')}
dlp: { onHigh: alert }
tls: { upstreamCaFile: ${caFile} }
`;
}

/** Prompts as an agent sends them, quoting repository files; each request's status on its own line. */
function script(p: Record<string, number>): string {
  const prompt = (file: string, name: string) =>
    `node -e 'const fs=require("fs");fs.writeFileSync("/tmp/${name}.json",JSON.stringify({model:"m",messages:[{role:"user",content:"look at this:\\n"+fs.readFileSync("/workspace/${file}","utf8")}]}))'`;
  const post = (label: string, host: string, port: number | undefined, file: string, extra = '') =>
    `echo "${label} $(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' ${extra} --data-binary @/tmp/${file} https://${host}:${port}/v1/messages)"`;
  return [
    prompt('deploy.md', 'secret'), prompt('held.txt', 'held'), prompt('tuning.md', 'low'),
    'gzip -c /tmp/secret.json > /tmp/secret.json.gz',
    post('redact-secret', 'redact.test', p.redact, 'secret.json'),
    post('redact-held', 'redact.test', p.redact, 'held.json'),
    post('block-secret', 'block.test', p.block, 'secret.json'),
    post('block-gzip', 'block.test', p.block, 'secret.json.gz', "-H 'content-encoding: gzip'"),
    post('block-held', 'block.test', p.block, 'held.json'),
    post('block-low', 'block.test', p.block, 'low.json'),
    post('alert-secret', 'alert.test', p.alert, 'secret.json'),
    `echo "redact-url $(curl -s -o /dev/null -w '%{http_code}' 'https://redact.test:${p.redact}/v1/search?q=${gh}')"`,
    'sha256sum /tmp/secret.json',
  ].join('\n');
}

describe.each(DRIVERS)('DLP in the proxy on %s (real sandbox, real secrets planted in the repository)', (driver) => {
  const ca = createTestUpstreamCa();
  const home = tempDir(`dlp-egress-${driver}`);
  const repo = makeRepo(
    {
      'deploy.md': `# deploy\nexport AWS_ACCESS_KEY_ID=${aws}\ngit clone https://x:${gh}@github.com/org/app\n`,
      'held.txt': `the key, base64: ${Buffer.from(held).toString('base64')}\n`,
      'tuning.md': `# tuning\n${lowOnly}\n`,
    },
    hostWriterUid(driver),
  );
  const ups: Record<string, Upstream> = {};
  let run: AirlockRun;
  let out = '';
  let events: Record<string, unknown>[] = [];
  const status = (label: string) => out.split('\n').find((l) => l.startsWith(`${label} `))?.slice(label.length + 1);
  const posts = (name: string) => ups[name]!.requests.filter((r) => r.method === 'POST');

  beforeAll(async () => {
    for (const name of ['redact', 'block', 'alert']) ups[name] = await startHttpsUpstream(ca, `${name}.test`);
    const ports = Object.fromEntries(Object.entries(ups).map(([k, u]) => [k, u.port]));
    writeFileSync(join(home.path, 'upstream-ca.pem'), ca.certPem);
    writeFileSync(join(home.path, 'policy.yaml'), policyYaml(ports, join(home.path, 'upstream-ca.pem')));
    writeFileSync(join(repo.path, 'probe.sh'), script(ports));
    run = await airlock(['exec', '--driver', driver, '--', 'sh', '/workspace/probe.sh'], { home: home.path, cwd: repo.path, env: { REDACT_KEY: redactKey, BLOCK_KEY: held }, timeoutMs: 120_000 });
    out = run.stdout.toString();
    events = await sessionEvents(home.path, sessionIdFrom(run.stderr));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(Object.values(ups).map((u) => u.close()));
    home.remove();
    repo.remove();
  });

  it('redacts on a route whose policy says redact: the upstream gets the prompt, with the real key, without the secrets', () => {
    expect(status('redact-secret'), run.stderr).toBe('200');
    expect(status('redact-held')).toBe('200');
    const bodies = posts('redact').map((r) => r.body?.toString() ?? '');
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(() => JSON.parse(body) as unknown).not.toThrow();
      for (const s of [aws, gh, held, Buffer.from(held).toString('base64')]) expect(body).not.toContain(s);
      expect(body).toContain('[airlock-redacted:');
    }
    expect(bodies[0]).toContain('[airlock-redacted:aws-access-key-id]');
    expect(bodies[0]).toContain('git clone https://x:[airlock-redacted:github-token]@github.com/org/app');
    expect(bodies[1]).toContain('[airlock-redacted:known-secret]');
    expect(posts('redact').every((r) => r.headers['x-api-key'] === redactKey)).toBe(true);
  });

  it('blocks on a route whose policy says block, gzip-compressed too, and for a secret Airlock holds: nothing reaches the upstream', () => {
    expect(status('block-secret')).toBe('403');
    expect(status('block-gzip')).toBe('403');
    expect(status('block-held')).toBe('403');
    const denied = events.filter((e) => e.type === 'net.request.denied' && e.host === 'block.test');
    expect(denied).toHaveLength(3);
    for (const d of denied) expect(d).toMatchObject({ code: 'EGRESS_SECRET', rule: 'credentials:blocking.dlp', host: 'block.test' });
    expect(posts('block')).toHaveLength(1);
  });

  it('refuses a secret in a URL even on a redacting route (a URL cannot be redacted), before it reaches the upstream', () => {
    expect(status('redact-url')).toBe('403');
    expect(ups.redact!.requests.some((r) => r.path.includes('/v1/search'))).toBe(false);
    expect(events.find((e) => e.type === 'dlp.secret.blocked' && e.part === 'head')).toMatchObject({ rule: 'github-token', route: 'redacting', host: 'redact.test', path: '/v1/search?q=[airlock-redacted:github-token]' });
    expect(events.find((e) => e.type === 'net.request.denied' && e.host === 'redact.test')).toMatchObject({ code: 'EGRESS_SECRET', path: '/v1/search?q=[airlock-redacted:github-token]' });
  });

  it('lets a low-confidence finding through a blocking route, as an alert', () => {
    expect(status('block-low')).toBe('200');
    expect(events.find((e) => e.type === 'dlp.secret.alert' && e.host === 'block.test')).toMatchObject({ confidence: 'low', route: 'blocking' });
  });

  it('only records outside the routes when dlp.onHigh is alert: the body arrives as the sandbox sent it', () => {
    expect(status('alert-secret')).toBe('200');
    const sent = /^([0-9a-f]{64}) /m.exec(out)?.[1];
    expect(posts('alert')[0]?.bodySha).toBe(sent);
    expect(events.filter((e) => e.type === 'dlp.secret.alert' && e.host === 'alert.test').map((e) => e.rule).sort()).toEqual(['aws-access-key-id', 'github-token']);
  });

  it('records each finding with rule, place and hash, the same hash for the same secret, and never the secret', () => {
    const found = events.filter((e) => String(e.type).startsWith('dlp.secret.'));
    for (const f of found) expect(f).toMatchObject({ rule: expect.any(String), offset: expect.any(Number), length: expect.any(Number), hmac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const ghHashes = new Set(found.filter((e) => e.rule === 'github-token').map((e) => e.hmac));
    expect(found.filter((e) => e.rule === 'github-token').length).toBeGreaterThanOrEqual(4);
    expect(ghHashes.size).toBe(1);
    expect(found.find((e) => e.rule === 'known-secret')).toMatchObject({ label: 'credential route blocking', confidence: 'high' });
    const text = JSON.stringify(events);
    for (const s of [aws, gh, held, redactKey]) expect(text).not.toContain(s);
    for (const f of readdirSync(join(home.path, 'audit'))) {
      const bytes = readFileSync(join(home.path, 'audit', f));
      for (const s of [aws, gh, held, redactKey]) expect(bytes.includes(Buffer.from(s)), `${s.slice(0, 4)} in ${f}`).toBe(false);
    }
  });

  it('lists the findings in the session record and in airlock sessions show', async () => {
    const ended = events.find((e) => e.type === 'session.ended') as { findings: { type: string }[] };
    expect(ended.findings.map((f) => f.type)).toEqual(expect.arrayContaining(['dlp.secret.redacted', 'dlp.secret.blocked', 'dlp.secret.alert']));
    const shown = (await airlock(['sessions', 'show', sessionIdFrom(run.stderr)], { home: home.path })).stdout.toString();
    expect(shown).toContain('dlp.secret.redacted github-token to redact.test');
    expect(shown).toContain('dlp.secret.blocked known-secret to block.test');
  });
});
