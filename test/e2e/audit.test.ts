import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, airlock, hostWriterUid, makeGitRepo, sessionEvents, tempDir } from '../helpers.js';
import type { AirlockRun } from '../helpers.js';
import { sessionIdFrom } from '../leftovers.js';
import { startHttpUpstream } from '../upstreams.js';
import type { Upstream } from '../upstreams.js';

/** The work a session does: two allowed requests, one denied, three file changes, exit 3. */
const SCRIPT = (web: number, denied: number) => `set -u
curl -s -o /dev/null -w 'web %{http_code}\\n' http://web.test:${web}/json
curl -s -o /dev/null -w 'web %{http_code}\\n' http://web.test:${web}/
curl -s -o /dev/null -w 'denied %{http_code}\\n' http://denied.test:${denied}/
echo new > /workspace/new.txt
echo more >> /workspace/README.md
rm /workspace/old.txt
exit 3
`;

describe.each(DRIVERS)('audit trail of a session on %s', (driver) => {
  const home = tempDir(`audit-${driver}`);
  const repo = makeGitRepo({ 'README.md': '# app\n', 'old.txt': 'old\n', 'work.sh': '' }, hostWriterUid(driver));
  let web: Upstream;
  let denied: Upstream;
  let run: AirlockRun;
  let sessionId = '';

  beforeAll(async () => {
    web = await startHttpUpstream();
    denied = await startHttpUpstream();
    writeFileSync(join(home.path, 'policy.yaml'), `version: 1
egress:
  allow:
    - { host: web.test, ports: [${web.port}], allowPrivate: true }
  resolve: { web.test: 127.0.0.1, denied.test: 127.0.0.1 }
audit:
  sinks:
    - { kind: jsonl, name: archive, path: ${join(home.path, 'archive', 'audit.jsonl')} }
`);
    writeFileSync(join(repo.path, 'work.sh'), SCRIPT(web.port, denied.port));
    // The script itself is part of the start state: commit it so it is not a change.
    run = await airlock(['exec', '--driver', driver, '--', 'sh', '/workspace/work.sh'], { home: home.path, cwd: repo.path, timeoutMs: 120_000 });
    sessionId = sessionIdFrom(run.stderr);
  }, 180_000);
  afterAll(async () => {
    await web.close();
    await denied.close();
    home.remove();
    repo.remove();
  });

  it('ran the session with its own exit code', () => {
    expect(run.stdout.toString()).toBe('web 200\nweb 200\ndenied 403\n');
    expect(run.code).toBe(3);
  });

  it('records who ran what, where, at which commit, and how it ended', async () => {
    const show = await airlock(['sessions', 'show', sessionId, '--json'], { home: home.path });
    expect(show.code).toBe(0);
    const s = JSON.parse(show.stdout.toString()) as Record<string, any>;
    expect(s).toMatchObject({ sessionId, user: 'root', userVerified: false, driver, repo: repo.path, tool: { name: 'exec', image: 'airlock/base:bookworm' } });
    expect(s.tool.digest).toEqual(driver === 'docker' ? expect.stringMatching(/^sha256:[0-9a-f]{64}$/) : null);
    expect(s.argv).toEqual(['sh', '/workspace/work.sh']);
    expect(s.policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.git).toMatchObject({ isGit: true, branch: 'main', head: repo.head, remoteUrl: 'https://git.example.com/org/app.git' });
    expect(JSON.stringify(s)).not.toContain('s3cr3t-token');
    expect(s.end).toMatchObject({ exitCode: 3, endedBy: 'exit', egress: { 'web.test': { allowed: 2, denied: 0 }, 'denied.test': { allowed: 0, denied: 1 } } });
    expect(s.end.git.headAfter).toBe(repo.head);
    const files = (s.end.git.filesChanged as { path: string; status: string }[]).map((f) => `${f.status} ${f.path}`).sort();
    expect(files).toEqual(['added new.txt', 'deleted old.txt', 'modified README.md']);
    expect(denied.connections).toBe(0);
  });

  it('keeps the patch, content-addressed, and prints the record for people', async () => {
    const patch = await airlock(['sessions', 'show', sessionId, '--patch'], { home: home.path });
    expect(patch.code).toBe(0);
    expect(patch.stdout.toString()).toContain('+more');
    expect(patch.stdout.toString()).toContain('new.txt');
    const text = (await airlock(['sessions', 'show', sessionId], { home: home.path })).stdout.toString();
    expect(text).toMatch(/exit 3 \(exit\)/);
    expect(text).toMatch(/denied\.test\s+0 allowed\s+1 denied/);
    const list = await airlock(['sessions', 'list', '--json'], { home: home.path });
    expect((JSON.parse(list.stdout.toString()) as { sessionId: string }[]).map((x) => x.sessionId)).toContain(sessionId);
  });

  it('writes every decision as an event carrying the session context', async () => {
    const events = await sessionEvents(home.path, sessionId);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'net.request.completed', 'net.request.completed', 'net.request.denied', 'session.ended']);
    for (const e of events) expect(e).toMatchObject({ schema: 'airlock.audit/1', sessionId, actor: { user: 'root', verified: false }, repo: repo.path, driver });
    expect(events[3]).toMatchObject({ classUid: 4002, decision: 'deny', host: 'denied.test', code: 'EGRESS_NO_RULE' });
    const ocsf = await airlock(['audit', 'export', '--format', 'ocsf'], { home: home.path });
    const lines = ocsf.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const deniedOcsf = lines.find((l) => l.metadata.correlation_uid === sessionId && l.action_id === 2);
    expect(deniedOcsf).toMatchObject({ class_uid: 4002, category_uid: 4, type_uid: 400203, http_request: { http_method: 'GET', url: { hostname: 'denied.test' } }, actor: { user: { name: 'root' } } });
  });

  it('delivers the session to the policy\'s sinks, chain included', async () => {
    const lines = readFileSync(join(home.path, 'archive', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string; event: Record<string, unknown> });
    const stored = await sessionEvents(home.path, sessionId);
    expect(lines.filter((l) => l.event.sessionId === sessionId).map((l) => l.event.id)).toEqual(stored.map((e) => e.id));
    const ship = await airlock(['audit', 'ship', '--json'], { home: home.path });
    expect(ship.code).toBe(0);
    expect(JSON.parse(ship.stdout.toString())).toEqual([{ name: 'archive', cursor: lines.at(-1)?.seq, pending: 0 }]);
  });

  it('verifies, then finds an edited record and names it', async () => {
    const ok = await airlock(['audit', 'verify', '--json'], { home: home.path });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.toString())).toMatchObject({ ok: true });
    const db = new Sqlite(join(home.path, 'audit', 'audit.db'));
    const row = db.prepare("SELECT seq FROM records WHERE session_id = ? AND type = 'net.request.denied'").get(sessionId) as { seq: number };
    db.prepare("UPDATE records SET event = replace(event, '\"deny\"', '\"allow\"') WHERE seq = ?").run(row.seq);
    db.close();
    const bad = await airlock(['audit', 'verify'], { home: home.path });
    expect(bad.code).toBe(65);
    expect(bad.stdout.toString()).toContain(`record ${row.seq}: edited`);
  });
});
