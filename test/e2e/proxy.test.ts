import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, ROOT, airlock, hostWriterUid, makeRepo, sessionEvents, tempDir } from '../helpers.js';
import type { AirlockRun } from '../helpers.js';
import { sessionIdFrom } from '../leftovers.js';
import { createTestUpstreamCa, keystreamSha, startHttpUpstream, startHttpsUpstream } from '../upstreams.js';
import type { Upstream } from '../upstreams.js';

const BIG = 1024 * 1024 * 1024;
const MID = 256 * 1024 * 1024;
const LITERALS = ['127.0.0.1', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '[::ffff:127.0.0.1]', '[::1]'];

function policyYaml(p: Record<string, number>, caFile: string): string {
  return `version: 1
egress:
  allow:
    - { host: other.test, ports: [${p.other}], inspect: true }
    - { host: plain.test, ports: [${p.plain}] }
    - { host: web.test, ports: [${p.webAllowed}], methods: [GET], paths: ['/', '/json', '/api/**'] }
    - { host: localhost, ports: [${p.web}] }
    - { host: localhost, ports: [${p.webPrivate}], allowPrivate: true }
  resolve: { api.test: 127.0.0.1, other.test: 127.0.0.1, plain.test: 127.0.0.1, denied.test: 127.0.0.1, web.test: 127.0.0.1 }
credentials:
  - name: testapi
    hosts: [api.test]
    ports: [${p.api}]
    inject: { header: x-api-key }
    source: { env: AIRLOCK_TEST_SECRET }
    placeholderEnv: [TEST_API_KEY]
    upstream: https://api.test:${p.api}
tls: { upstreamCaFile: ${caFile} }
`;
}

function probeScript(p: Record<string, number>): string {
  const cfg = JSON.stringify({ ports: p, literals: LITERALS });
  return `set -u
API=${p.api}; PLAIN=${p.plain}; DENIED=${p.denied}
echo "curl-route $(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $TEST_API_KEY" https://api.test:$API/json)"
echo "curl-echo $(curl -s https://api.test:$API/echo-key)"
echo "curl-echo-header $(curl -s -D - -o /dev/null https://api.test:$API/echo-key | grep -i '^x-echo' | tr -d '\\r')"
echo "curl-baseurl $(curl -s -o /dev/null -w '%{http_code}' $AIRLOCK_ROUTES_URL/testapi/json)"
curl -s -o /dev/null https://denied.test:$DENIED/; echo "curl-denied $? $(curl -s -o /dev/null -w '%{http_connect}' https://denied.test:$DENIED/)"
curl -s --noproxy '*' -o /dev/null https://api.test:$API/; echo "curl-direct $?"
getent hosts api.test >/dev/null; echo "getent $?"
curl -sN https://api.test:$API/sse | while IFS= read -r l; do [ -n "$l" ] && echo "sse $(date +%s%3N) $l"; done
echo "down-tunnel $(curl -sk https://plain.test:$PLAIN/bytes?n=${BIG} | sha256sum | cut -d' ' -f1)"
node /workspace/keystream.mjs ${BIG} | curl -sk -T - -o /dev/null https://plain.test:$PLAIN/upload; echo "up-tunnel $?"
echo "down-intercept $(curl -s https://api.test:$API/bytes?n=${MID} | sha256sum | cut -d' ' -f1)"
node /workspace/keystream.mjs ${MID} | curl -s -T - -o /dev/null https://api.test:$API/upload; echo "up-intercept $?"
node /workspace/probe.mjs '${cfg}'
echo "=== dump"
cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null
tar -cf - /etc /run /tmp /home /workspace /var/tmp 2>/dev/null || true
`;
}

describe.each(DRIVERS)('governance proxy on %s (real sandbox, real sockets)', (driver) => {
  const secret = `sk-test-${randomBytes(24).toString('hex')}`;
  const ca = createTestUpstreamCa();
  const home = tempDir(`proxy-${driver}`);
  const repo = makeRepo({ 'README.md': 'x\n' }, hostWriterUid(driver));
  const ups: Record<string, Upstream> = {};
  let run: AirlockRun;
  let text = '';
  let probes: Record<string, Record<string, unknown>> = {};
  let events: Record<string, unknown>[] = [];
  const line = (key: string) => text.split('\n').find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);

  beforeAll(async () => {
    for (const name of ['api', 'other', 'plain', 'denied']) ups[name] = await startHttpsUpstream(ca, `${name}.test`);
    for (const name of ['web', 'webPrivate', 'webAllowed']) ups[name] = await startHttpUpstream();
    const ports = Object.fromEntries(Object.entries(ups).map(([k, u]) => [k, u.port]));
    writeFileSync(join(home.path, 'upstream-ca.pem'), ca.certPem);
    writeFileSync(join(home.path, 'policy.yaml'), policyYaml(ports, join(home.path, 'upstream-ca.pem')));
    writeFileSync(join(repo.path, 'probe.sh'), probeScript(ports));
    for (const f of ['probe.mjs', 'keystream.mjs']) copyFileSync(join(ROOT, 'test', 'fixtures', f), join(repo.path, f));
    run = await airlock(['exec', '--driver', driver, '--', 'sh', '/workspace/probe.sh'], { home: home.path, cwd: repo.path, env: { AIRLOCK_TEST_SECRET: secret }, timeoutMs: 240_000 });
    const all = run.stdout.toString('latin1');
    text = all.slice(0, all.indexOf('=== dump'));
    probes = Object.fromEntries(text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).map((o) => [o.name as string, o]));
    events = await sessionEvents(home.path, sessionIdFrom(run.stderr));
  }, 300_000);
  afterAll(async () => {
    await Promise.all(Object.values(ups).map((u) => u.close()));
    home.remove();
    repo.remove();
  });

  it('ran the probe to the end', () => {
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(text).toContain('"name":"dns"');
  });

  it('lets an allowed credential-route host answer, with curl and with node, and base-URL routes', () => {
    expect(line('curl-route')).toBe('200');
    expect(probes['route-node']).toMatchObject({ status: 200 });
    expect(line('curl-baseurl')).toBe('200');
  });

  it('gives the upstream the real secret while the sandbox only ever held the placeholder', () => {
    const keys = ups.api!.requests.map((r) => r.headers['x-api-key']);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    expect(keys.every((k) => k === secret)).toBe(true);
  });

  it('scrubs the real secret from responses', () => {
    expect(line('curl-echo')).toMatch(/^key=airlock-[A-Za-z0-9]{40}$/);
    expect(line('curl-echo-header')).toMatch(/^x-echo: airlock-[A-Za-z0-9]{40}$/i);
  });

  it('keeps the secret bytes out of every process environment, every file and everything printed', () => {
    const everything = Buffer.concat([run.stdout, Buffer.from(run.stderr)]);
    expect(everything.includes(Buffer.from(secret))).toBe(false);
    expect(everything.includes(Buffer.from('TEST_API_KEY=airlock-'))).toBe(true);
    expect(everything.includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    expect(JSON.stringify(events)).not.toContain(secret);
    for (const f of readdirSync(join(home.path, 'audit'))) expect(readFileSync(join(home.path, 'audit', f)).includes(Buffer.from(secret))).toBe(false);
  });

  it('denies a host outside policy with 403 and its code, before any connection reaches it', () => {
    expect(line('curl-denied')).toBe('56 403');
    expect(probes['denied-node']).toMatchObject({ status: 403, deny: 'EGRESS_NO_RULE' });
    expect(ups.denied!.connections).toBe(0);
  });

  it.each(LITERALS)('refuses the IP literal %s, forward and CONNECT', (lit) => {
    expect(probes[`literal-forward ${lit}`]).toMatchObject({ status: 403, deny: 'EGRESS_IP_LITERAL' });
    expect(probes[`literal-connect ${lit}`]).toMatchObject({ status: 403, deny: 'EGRESS_IP_LITERAL' });
  });

  it('refuses a name that resolves to 127.0.0.1 unless its rule allows private addresses', () => {
    expect(probes['private-name']).toMatchObject({ status: 403, deny: 'EGRESS_PRIVATE_ADDRESS' });
    expect(ups.web!.connections).toBe(0);
    expect(probes['private-allowed']).toMatchObject({ status: 200 });
  });

  it('applies method and path rules to inspected traffic', () => {
    expect(probes['method-denied']).toMatchObject({ status: 403, deny: 'EGRESS_METHOD' });
    expect(probes['path-denied']).toMatchObject({ status: 403, deny: 'EGRESS_PATH' });
  });

  it('refuses a placeholder sent to another host, and records credential.misuse', () => {
    expect(probes['misuse-node']).toMatchObject({ status: 403, deny: 'CREDENTIAL_MISUSE' });
    expect(probes['misuse-forward-url']).toMatchObject({ status: 403, deny: 'CREDENTIAL_MISUSE' });
    expect(ups.other!.requests).toHaveLength(0);
    expect(ups.webAllowed!.requests.filter((r) => r.path.includes('key='))).toHaveLength(0);
    expect(events.filter((e) => e.type === 'credential.misuse').length).toBe(2);
  });

  it('has no way out but the proxy: direct connections and DNS fail', () => {
    expect(line('curl-direct')).toBe('6');
    expect(line('getent')).toBe('2');
    expect(probes.direct).toMatchObject({ error: 'ECONNREFUSED' });
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(probes.dns?.error);
  });

  it("streams SSE: the first event arrives before the upstream finishes", () => {
    const one = text.split('\n').find((l) => l.startsWith('sse ') && l.endsWith('data: one'));
    expect(one).toBeDefined();
    const arrived = Number(one?.split(' ')[1]);
    expect(ups.api!.sseEndedAt - arrived).toBeGreaterThan(1000);
  });

  it('carries 1 GB down and 1 GB up byte-exact through a tunnel, and 256 MB each way intercepted', async () => {
    expect(line('down-tunnel')).toBe(await keystreamSha(BIG));
    expect(line('up-tunnel')).toBe('0');
    const bigUp = ups.plain!.requests.find((r) => r.path === '/upload');
    expect(bigUp).toMatchObject({ bodyBytes: BIG, bodySha: await keystreamSha(BIG) });
    expect(line('down-intercept')).toBe(await keystreamSha(MID));
    expect(line('up-intercept')).toBe('0');
    const midUp = ups.api!.requests.find((r) => r.path === '/upload');
    expect(midUp).toMatchObject({ bodyBytes: MID, bodySha: await keystreamSha(MID) });
  });

  it('records every request as an event: decision, rule, bytes, mode', () => {
    const types = new Set(events.map((e) => e.type));
    for (const t of ['session.started', 'net.request.completed', 'net.request.denied', 'net.tunnel.closed', 'credential.used', 'credential.misuse', 'session.ended']) expect(types).toContain(t);
    const tunnel = events.find((e) => e.type === 'net.tunnel.closed' && e.host === 'plain.test' && (e.bytesDown as number) > BIG);
    expect(tunnel).toMatchObject({ decision: 'allow', rule: 'egress.allow.1', mode: 'tunnel', port: ups.plain!.port });
    const upload = events.find((e) => e.type === 'net.request.completed' && e.path === '/upload');
    expect(upload).toMatchObject({ mode: 'intercept', route: 'testapi', unscanned: true, bytesUp: MID });
    const denied = events.find((e) => e.type === 'net.request.denied' && e.host === 'denied.test');
    expect(denied).toMatchObject({ code: 'EGRESS_NO_RULE', method: 'CONNECT' });
  });
});
