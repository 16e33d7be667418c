import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServerHandle } from '../../src/model-server/index.js';
import { checksummedToken, createRng } from '../../src/dlp/test-tokens.js';
import { builtInPolicy } from '../../src/policy/index.js';
import { AGENTS, agentPolicy, openCountingListener, openProvider } from '../agent-harness.js';
import { DRIVERS, airlock, hostWriterUid, makeGitRepo, sessionEvents, tempDir } from '../helpers.js';
import type { AirlockRun } from '../helpers.js';
import { sessionIdFrom } from '../leftovers.js';
import { createTestUpstreamCa } from '../upstreams.js';

const PROMPT = 'Follow the scripted steps.';
const FINAL = 'All done: the scripted session is complete.';
const BUILD_MS = 900_000;
const RUN_MS = 240_000;

/**
 * The main job, for real: each approved agent, built and approved here, runs in the
 * sandbox against a scripted model server that speaks its provider's protocol over TLS,
 * reached only through Airlock's proxy and credential route.
 */
describe.each(AGENTS)('$tool, the real agent, governed end to end', (agent) => {
  const home = tempDir(`agent-${agent.tool}`);
  const ca = createTestUpstreamCa();
  const caFile = join(home.path, 'provider-ca.pem');
  const canaryDir = tempDir('canary');
  const canary = `host-canary-${randomBytes(12).toString('hex')}`;
  const key = `sk-real-${randomBytes(24).toString('hex')}`;
  /** A token committed in the repository, which the agent reads and DLP must keep from the model. */
  const token = checksummedToken(createRng(randomBytes(4).readUInt32LE()), 'ghp_');
  let denied: Awaited<ReturnType<typeof openCountingListener>>;

  beforeAll(async () => {
    writeFileSync(caFile, ca.certPem);
    writeFileSync(join(canaryDir.path, 'canary.txt'), canary);
    denied = await openCountingListener();
    for (const step of [['images', 'build', agent.tool], ['images', 'approve', agent.tool]]) {
      const r = await airlock(step, { home: home.path, timeoutMs: BUILD_MS });
      if (r.code !== 0) throw new Error(`airlock ${step.join(' ')} failed (${String(r.code)}): ${r.stderr}`);
    }
  }, BUILD_MS * 2);
  afterAll(async () => {
    await denied.close();
    home.remove();
    canaryDir.remove();
  });

  describe.each(DRIVERS)('on %s', (driver) => {
    const repo = makeGitRepo({ 'README.md': '# sample\n', 'deploy-notes.md': `push with https://ci:${token}@github.com/org/app\n` }, hostWriterUid(driver));
    let model: ModelServerHandle;
    let run: AirlockRun;
    let bodies = '';
    let events: Record<string, unknown>[] = [];

    beforeAll(async () => {
      model = await openProvider(ca, agent.host, {
        steps: [
          { kind: 'write', path: 'hello.txt', content: `written by ${agent.tool} on ${driver}\n` },
          { kind: 'shell', command: `cat ${join(canaryDir.path, 'canary.txt')}; echo canary-exit=$?` },
          { kind: 'shell', command: `curl -s -o /dev/null -w 'denied=%{http_connect}' https://denied.example.com:${denied.port}/; echo " curl-exit=$?"` },
          { kind: 'shell', command: `echo key-held=$${agent.keyEnv}` },
          { kind: 'shell', command: 'cat /workspace/deploy-notes.md' },
          { kind: 'say', text: FINAL },
        ],
      });
      writeFileSync(join(home.path, 'policy.yaml'), agentPolicy(agent, { model: model.port, denied: denied.port }, caFile));
      run = await airlock(['run', '--driver', driver, agent.tool, '--', ...agent.args(PROMPT)], {
        home: home.path, cwd: repo.path, env: { AIRLOCK_TEST_PROVIDER_KEY: key }, timeoutMs: RUN_MS,
      });
      bodies = JSON.stringify(model.requests().map((r) => r.body));
      events = await sessionEvents(home.path, sessionIdFrom(run.stderr));
    }, RUN_MS + 60_000);
    afterAll(async () => {
      await model.close();
      repo.remove();
    });

    it('runs to the scripted final answer, and exits 0', () => {
      expect(run.stdout.toString(), run.stderr).toContain(FINAL);
      expect(run.code).toBe(0);
    });

    it('writes the scripted file into the repository', () => {
      expect(readFileSync(join(repo.path, 'hello.txt'), 'utf8')).toBe(`written by ${agent.tool} on ${driver}\n`);
    });

    it('cannot read a host file: its shell command fails and the canary never reaches the model', () => {
      expect(bodies).toContain('canary-exit=1');
      expect(bodies).not.toContain(canary);
    });

    it('is denied a host outside policy, before any connection reaches it, and the denial is recorded', () => {
      expect(bodies).toContain('denied=403');
      expect(denied.connections()).toBe(0);
      expect(events.find((e) => e.type === 'net.request.denied' && e.host === 'denied.example.com')).toMatchObject({ code: 'EGRESS_NO_RULE' });
    });

    it('holds only the placeholder, while the model server received the real key', () => {
      const keys = model.requests().map((r) => r.headers[agent.keyHeader]);
      expect(keys.length).toBeGreaterThanOrEqual(4);
      expect(keys.every((k) => k === `${agent.keyPrefix}${key}`)).toBe(true);
      expect(bodies).toMatch(/key-held=airlock-[A-Za-z0-9]{20,}/);
      expect(bodies).not.toContain(key);
      expect(run.stdout.toString() + run.stderr).not.toContain(key);
    });

    it('redacts a token the agent read from the repository before the model sees it, and records it', () => {
      expect(bodies).toContain('push with https://ci:[airlock-redacted:github-token]@github.com/org/app');
      expect(bodies).not.toContain(token);
      expect(events.find((e) => e.type === 'dlp.secret.redacted')).toMatchObject({ rule: 'github-token', route: agent.route, host: agent.host });
      expect(JSON.stringify(events)).not.toContain(token);
      // Nothing else the real agent sent (prompts, tool schemas, headers, URLs) looked like a secret.
      // (The agent re-sends its history, so the token is found again in each later request.)
      const rules = events.filter((e) => String(e.type).startsWith('dlp.')).map((e) => e.rule);
      expect(rules.length).toBeGreaterThanOrEqual(1);
      expect(new Set(rules)).toEqual(new Set(['github-token']));
    });

    it('checks for no update: the update hosts are denied whatever the agent tries, and the attempt is recorded', () => {
      const updateHosts = new Set(builtInPolicy().tools[agent.tool]!.updateHosts);
      const attempts = events.filter((e) => typeof e.host === 'string' && updateHosts.has(e.host));
      expect(attempts.every((e) => e.type === 'net.request.denied' && e.code === 'EGRESS_DENY_RULE')).toBe(true);
      if (agent.updateCheck !== null) expect(attempts.map((e) => e.host)).toContain(agent.updateCheck);
      else expect(attempts).toEqual([]);
    });

    it('leaves the session in the audit log, with the approved image, and the log verifies', async () => {
      const started = events.find((e) => e.type === 'session.started');
      expect(started).toMatchObject({ tool: { name: agent.tool, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
      const ended = events.find((e) => e.type === 'session.ended');
      expect(ended).toMatchObject({ exitCode: 0 });
      expect(JSON.stringify(ended)).toContain('hello.txt');
      const verify = await airlock(['audit', 'verify'], { home: home.path });
      expect(verify.code, verify.stdout.toString()).toBe(0);
    });
  });
});
