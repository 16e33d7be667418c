import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DRIVERS, airlock, collect, hostWriterUid, makeRepo, spawnAirlock, tempDir, waitFor } from '../helpers.js';
import { leftoversOf, runDirs, sessionIdFrom } from '../leftovers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Starts `sleep 60` in a session and resolves once it runs, with its session id. */
async function startLongSession(driver: string, options: { home: string; cwd: string }): Promise<{ child: ChildProcess; id: string }> {
  const child = spawnAirlock(['exec', '--driver', driver, '--', 'sh', '-c', 'echo started; sleep 60'], options);
  let err = '';
  let out = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  await waitFor(() => out.includes('started'), 20_000, 'the session to start');
  return { child, id: sessionIdFrom(err) };
}

describe.each(DRIVERS)('airlock sessions on %s', (driver) => {
  const home = tempDir(`e2e-${driver}`);
  const repo = makeRepo({ 'README.md': '# e2e\n' }, hostWriterUid(driver));
  const base = { home: home.path, cwd: repo.path };
  afterAll(() => {
    home.remove();
    repo.remove();
  });

  it('passes the exit code through and prints the session id on stderr', async () => {
    const r = await airlock(['exec', '--driver', driver, '--', 'sh', '-c', 'echo hello; exit 3'], base);
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toBe('hello\n');
    const id = sessionIdFrom(r.stderr);
    expect(r.stderr).toContain(`(${driver}, policy`);
    expect(leftoversOf(home.path, id)).toEqual([]);
  });

  it('runs a tool with its arguments after --', async () => {
    const r = await airlock(['run', 'node', '--driver', driver, '--', '-e', 'console.log(process.argv.length, require("fs").readFileSync("/workspace/README.md","utf8"))'], base);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('1 # e2e\n\n');
  });

  it('streams 10 MB through the CLI byte-exact', async () => {
    const input = randomBytes(10 * 1024 * 1024);
    const r = await airlock(['exec', '--driver', driver, '--', 'cat'], { ...base, input });
    expect(r.code).toBe(0);
    expect(sha(r.stdout)).toBe(sha(input));
  });

  it('leaves nothing running when airlock gets SIGTERM mid-session', async () => {
    const { child, id } = await startLongSession(driver, base);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(143);
    expect(leftoversOf(home.path, id)).toEqual([]);
  });

  it('ends a session at the policy time limit, with a message, leaving nothing', async () => {
    const h = tempDir(`limit-${driver}`);
    try {
      writeFileSync(join(h.path, 'policy.yaml'), 'version: 1\nlimits:\n  timeoutSeconds: 2\n');
      const started = Date.now();
      const r = await airlock(['exec', '--driver', driver, '--', 'sleep', '60'], { ...base, home: h.path });
      expect(r.code).toBe(124);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.stderr).toContain("reached the policy's time limit of 2 s (limits.timeoutSeconds)");
      expect(leftoversOf(h.path, sessionIdFrom(r.stderr))).toEqual([]);
    } finally {
      h.remove();
    }
  });

  it('after airlock is killed with SIGKILL, gc reaps what it left, by label', async () => {
    const { child, id } = await startLongSession(driver, base);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(leftoversOf(home.path, id).length).toBeGreaterThan(0);
    const gc = await airlock(['gc', '--json'], base);
    expect(gc.code).toBe(0);
    const report = JSON.parse(gc.stdout.toString()) as { reaped: { sessionId: string }[] };
    expect(report.reaped.map((r) => r.sessionId)).toContain(id);
    expect(leftoversOf(home.path, id)).toEqual([]);
  });

  it('gc from another AIRLOCK_HOME never touches a live session', async () => {
    const other = tempDir(`gc-other-${driver}`);
    const child = spawnAirlock(['exec', '--driver', driver, '--', 'sh', '-c', 'echo started; sleep 3; echo still-alive'], base);
    const run = collect(child, undefined, 30_000);
    try {
      let out = '';
      child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
      await waitFor(() => out.includes('started'), 20_000, 'the session to start');
      const gc = await airlock(['gc', '--json'], { home: other.path });
      expect(gc.code).toBe(0);
      const r = await run;
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toContain('still-alive');
    } finally {
      other.remove();
    }
  });

  it('refuses an unknown tool with 64, naming the tools there are, and starts nothing', async () => {
    const r = await airlock(['run', 'clade', '--driver', driver], base);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^airlock: error: unknown tool "clade": the policy defines shell, node, claude, opencode, codex, gemini; add it under tools:/);
    expect(runDirs(home.path)).toEqual([]);
  });

  it('refuses a tool the repo policy removed with 77', async () => {
    const r2 = makeRepo({ '.airlock/policy.yaml': 'version: 1\ntools: [node]\n' }, hostWriterUid(driver));
    try {
      const r = await airlock(['run', 'shell', '--driver', driver], { ...base, cwd: r2.path });
      expect(r.code).toBe(77);
      expect(r.stderr).toContain('tool "shell" is not allowed in this repository');
    } finally {
      r2.remove();
    }
  });

  it('refuses a missing repository with 66', async () => {
    const r = await airlock(['exec', '--driver', driver, '--repo', '/nonexistent/repo', '--', 'true'], base);
    expect(r.code).toBe(66);
    expect(r.stderr.trim()).toBe('airlock: error: repository /nonexistent/repo does not exist: pass --repo with an existing directory');
  });

  it('refuses an invalid policy with 78 and every error as file:dot.path, starting nothing', async () => {
    const h = tempDir(`badpolicy-${driver}`);
    try {
      mkdirSync(h.path, { recursive: true });
      writeFileSync(join(h.path, 'policy.yaml'), 'version: 1\nlimits:\n  pids: many\nsandbox:\n  uid: 0\n  netwrok: host\n');
      const r = await airlock(['exec', '--driver', driver, '--', 'true'], { ...base, home: h.path });
      expect(r.code).toBe(78);
      const file = join(h.path, 'policy.yaml');
      expect(r.stderr).toContain(`${file}:limits.pids:`);
      expect(r.stderr).toContain(`${file}:sandbox.uid: the sandbox never runs as root`);
      expect(r.stderr).toContain(`${file}:sandbox: unknown key "netwrok"`);
      expect(runDirs(h.path)).toEqual([]);
    } finally {
      h.remove();
    }
  });
});
