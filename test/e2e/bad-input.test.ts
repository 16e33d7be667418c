import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, airlock, collect, makeRepo, tempDir } from '../helpers.js';
import { runDirs } from '../leftovers.js';
import { spawn } from 'node:child_process';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function fixture(owner?: number) {
  const home = tempDir('bad');
  const repo = makeRepo(undefined, owner);
  cleanups.push(home.remove, repo.remove);
  return { home: home.path, cwd: repo.path };
}

/** Session containers that mount `dir` (this test's repository): other tests' sessions, running meanwhile, do not count. */
function containersMounting(dir: string): number {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', 'label=dev.airlock.session']).toString().split('\n').filter(Boolean);
  return ids.filter((id) => {
    try {
      return execFileSync('docker', ['inspect', '--format', '{{range .Mounts}}{{.Source}}\n{{end}}', id]).toString().split('\n').some((source) => source.startsWith(dir));
    } catch {
      return false; // Gone between the listing and the inspect: another test's session that ended.
    }
  }).length;
}

describe('bad input: one clear line, the documented exit code, nothing left behind', () => {
  it('Docker down: 69, says how to start it', async () => {
    const f = fixture();
    const r = await airlock(['exec', '--driver', 'docker', '--', 'true'], { ...f, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.code).toBe(69);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^airlock: error: Docker Engine is not answering on \/nonexistent\/docker.sock \(ENOENT\).*: start it with scripts\/start-dockerd.sh, or use --driver bwrap$/);
    expect(runDirs(f.home)).toEqual([]);
  });

  it('image missing: 69, says how to build it, creates no container', async () => {
    const f = fixture();
    writeFileSync(join(f.home, 'policy.yaml'), 'version: 1\nsandbox:\n  image: airlock/not-built:1\n');
    const r = await airlock(['exec', '--driver', 'docker', '--', 'true'], f);
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('airlock: error: image airlock/not-built:1 is not in Docker Engine: build it with scripts/setup-host.sh');
    expect(runDirs(f.home)).toEqual([]);
    expect(containersMounting(f.cwd)).toBe(0);
  });

  it('bwrap missing: 69, says which package to install', async () => {
    const f = fixture();
    const r = await airlock(['exec', '--driver', 'bwrap', '--', 'true'], { ...f, env: { AIRLOCK_BWRAP: '/nonexistent/bwrap' } });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('airlock: error: bubblewrap is not installed (/nonexistent/bwrap not found): apt-get install bubblewrap');
    expect(runDirs(f.home)).toEqual([]);
  });

  it('user namespaces disabled: 69, names the sysctl to change', async () => {
    const f = fixture(process.getuid?.());
    // A real kernel refusal without touching the host: a user namespace whose
    // max_user_namespaces is 0 cannot create the namespace bwrap needs.
    const script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"';
    const child = spawn('unshare', ['-U', '-r', 'sh', '-c', script, 'sh', process.execPath, AIRLOCK_BIN, 'exec', '--driver', 'bwrap', '--', 'true'], {
      cwd: f.cwd, env: { PATH: process.env.PATH ?? '', AIRLOCK_HOME: f.home },
    });
    const r = await collect(child);
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('airlock: error: bubblewrap cannot create a user namespace');
    expect(r.stderr).toContain('enable user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 user.max_user_namespaces=15000');
    expect(runDirs(f.home)).toEqual([]);
  });

  it('an unknown driver, option or command: 64 with the fix', async () => {
    const f = fixture();
    const cases: [string[], string][] = [
      [['exec', '--driver', 'podman', '--', 'true'], 'unknown driver "podman": use --driver docker or --driver bwrap'],
      [['exec', '--frobnicate', '--', 'true'], "Unknown option '--frobnicate'"],
      [['exec'], 'airlock exec needs a command after --'],
      [['run'], 'airlock run needs a tool name'],
      [['run', 'node', '-e', 'x'], "Unknown option '-e'"],
      [['launch'], 'unknown command "launch": run airlock --help for the list'],
    ];
    for (const [args, message] of cases) {
      const r = await airlock(args, f);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr).toContain(message);
    }
    expect(runDirs(f.home)).toEqual([]);
  });
});
