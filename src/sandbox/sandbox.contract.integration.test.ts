import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, hostWriterUid, makeRepo, tempDir, waitFor } from '../../test/helpers.js';
import { realDriver, runIn, sh, startIn } from '../../test/sandbox-harness.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(DRIVERS)('sandbox contract: %s', (name) => {
  const driver = realDriver(name);
  const home = tempDir(`home-${name}`);
  const repo = makeRepo({ 'README.md': '# hello\n' }, hostWriterUid(name));
  const opts = { home: home.path, repo: repo.path };
  const canary = join(homedir(), `.airlock-canary-${name}-${process.pid}`);

  beforeAll(() => writeFileSync(canary, 'host secret canary\n'));
  afterAll(() => {
    rmSync(canary, { force: true });
    home.remove();
    repo.remove();
  });

  it('probes as working on this host', async () => {
    const probe = await driver.probe();
    expect(probe).toMatchObject({ driver: name, ok: true });
  });

  it('describes the image a session runs for the audit record', async () => {
    const facts = await driver.describeImage('airlock/base:bookworm');
    if (name === 'docker') {
      expect(facts.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', 'airlock/base:bookworm']).toString().trim();
      expect(facts.digest).toBe(id);
      await expect(driver.describeImage('airlock/no-such-image:1')).rejects.toMatchObject({ code: 'IMAGE_MISSING' });
    } else {
      expect(facts).toEqual({ digest: null, version: null, labels: {} });
    }
  });

  it('runs as a non-root user with no capabilities and no-new-privileges', async () => {
    const r = await runIn(driver, sh('id -u; id -g; grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):" /proc/self/status'), opts);
    expect(r.code).toBe(0);
    const [uid, gid, ...status] = r.stdout.toString().trim().split('\n');
    expect(uid).toBe('1000');
    expect(gid).toBe('1000');
    const fields = Object.fromEntries(status.map((l) => l.split(/:\s+/) as [string, string]));
    expect(fields.CapEff).toBe('0000000000000000');
    expect(fields.CapPrm).toBe('0000000000000000');
    expect(fields.CapAmb).toBe('0000000000000000');
    expect(fields.NoNewPrivs).toBe('1');
  });

  it('refuses writes outside the writable mounts and leaves the host unchanged', async () => {
    const marker = `airlock-escape-${process.pid}`;
    const r = await runIn(driver, sh(`for p in /${marker} /usr/${marker} /etc/${marker} /bin/${marker}; do touch "$p" 2>/dev/null && echo "WROTE $p"; done; touch /workspace/ok /tmp/ok "$HOME/ok" && echo writable-ok`), opts);
    expect(r.stdout.toString()).not.toContain('WROTE');
    expect(r.stdout.toString()).toContain('writable-ok');
    for (const p of [`/${marker}`, `/usr/${marker}`, `/etc/${marker}`, `/bin/${marker}`]) expect(existsSync(p)).toBe(false);
    expect(existsSync(join(repo.path, 'ok'))).toBe(true);
  });

  it('mounts the repository read-only when policy says so', async () => {
    const r = await runIn(driver, sh('echo changed > /workspace/README.md; echo "rc=$?"; cat /workspace/README.md'), { ...opts, repoAccess: 'read-only' });
    expect(r.stdout.toString()).toMatch(/rc=[1-9]/);
    expect(readFileSync(join(repo.path, 'README.md'), 'utf8')).toBe('# hello\n');
  });

  it('hides the host home, its canary file and the Docker socket', async () => {
    const r = await runIn(driver, sh(`cat ${canary} 2>&1; test -e /var/run/docker.sock && echo SOCKET-VISIBLE; test -e /run/docker.sock && echo SOCKET-VISIBLE; ls ${homedir()} 2>&1; echo done`), opts);
    const out = r.stdout.toString() + r.stderr;
    expect(out).not.toContain('host secret canary');
    expect(out).not.toContain('SOCKET-VISIBLE');
    expect(out).toContain('done');
  });

  it('has no network interface but lo, and cannot reach a listener on the host loopback', async () => {
    let connections = 0;
    const server: Server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const probe = `const s=require('net').connect(${port},'127.0.0.1');s.on('connect',()=>{console.log('CONNECTED');process.exit(0)});s.on('error',e=>{console.log('ERR '+e.code);process.exit(7)})`;
      const r = await runIn(driver, sh(`tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; node -e "${probe}"`), opts);
      const lines = r.stdout.toString().trim().split('\n');
      expect(lines[0]).toBe('lo');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^ERR E(CONNREFUSED|NETUNREACH)$/);
      expect(r.code).toBe(7);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it.each([0, 1, 3])('passes exit code %i through', async (code) => {
    const r = await runIn(driver, sh(`exit ${code}`), opts);
    expect(r.code).toBe(code);
  });

  it('reports a command killed by SIGKILL as 137', async () => {
    const r = await runIn(driver, sh('kill -9 $$'), opts);
    expect(r.code).toBe(137);
  });

  it('streams 10 MB from stdin to stdout byte-exact', async () => {
    const input = randomBytes(10 * 1024 * 1024);
    const r = await runIn(driver, ['cat'], { ...opts, input });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(input.length);
    expect(sha(r.stdout)).toBe(sha(input));
  });

  it('keeps stdout and stderr apart on pipes', async () => {
    const r = await runIn(driver, sh('echo to-out; echo to-err >&2'), opts);
    expect(r.stdout.toString()).toBe('to-out\n');
    expect(r.stderr).toBe('to-err\n');
  });

  it('kills an allocation past the memory limit', async () => {
    const grow = 'const a=[];for(let i=0;i<2048;i++){a.push(Buffer.alloc(1<<20,1))}console.log("SURVIVED")';
    const r = await runIn(driver, ['node', '-e', grow], { ...opts, limits: { memoryMb: 128 } });
    expect(r.stdout.toString()).not.toContain('SURVIVED');
    expect(r.code).toBe(137);
    expect(r.oomKilled).toBe(true);
  });

  it('contains a fork bomb with the pids limit while the host stays responsive', async () => {
    const { proc, sessionId } = await startIn(driver, ['/bin/bash', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 30'], { ...opts, limits: { pids: 64 } });
    try {
      proc.stdout.resume();
      proc.stderr.resume();
      await new Promise((r) => setTimeout(r, 2000));
      const started = Date.now();
      execFileSync('/bin/true');
      execFileSync(process.execPath, ['-e', '0']);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await proc.destroy();
    }
    const left = await driver.listLeftovers();
    expect(left.map((l) => l.sessionId)).not.toContain(sessionId);
  });

  it('gives a terminal whose size the command sees, with stderr on the terminal', async () => {
    const r = await runIn(driver, sh('sleep 0.3; stty size; tty; echo err >&2'), { ...opts, tty: { rows: 33, cols: 101 } });
    const out = r.stdout.toString();
    expect(out).toContain('33 101');
    expect(out).toMatch(/\/dev\/pts\/\d+/);
    expect(out).toContain('err');
    expect(r.code).toBe(0);
  });

  it('delivers a terminal resize (SIGWINCH) and Ctrl-C (SIGINT) to the command inside', async () => {
    const script = 'trap "stty size" WINCH; trap "echo got-int; exit 42" INT; echo ready; while :; do sleep 0.05; done';
    const { proc } = await startIn(driver, ['/bin/bash', '-c', script], { ...opts, tty: { rows: 24, cols: 80 } });
    try {
      let out = '';
      proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
      proc.stdin.on('error', () => {});
      await waitFor(() => out.includes('ready'), 10_000, 'ready');
      await proc.resize({ rows: 40, cols: 120 });
      await waitFor(() => out.includes('40 120'), 10_000, 'the new size');
      proc.stdin.write('\x03');
      const exit = await proc.wait();
      expect(out).toContain('got-int');
      expect(exit.code).toBe(42);
    } finally {
      await proc.destroy();
    }
  });

  it('destroy() leaves nothing behind', async () => {
    const { proc, sessionId } = await startIn(driver, ['sleep', '300'], opts);
    await proc.destroy();
    await proc.destroy();
    const left = await driver.listLeftovers();
    expect(left.map((l) => l.sessionId)).not.toContain(sessionId);
    if (name === 'bwrap') expect(readdirSync('/sys/fs/cgroup/pids/airlock')).not.toContain(sessionId);
  });
});
