import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, tempDir } from '../../test/helpers.js';
import { realDriver, runIn } from '../../test/sandbox-harness.js';
import { materializeRootfs } from './rootfs.js';

const BASE = 'airlock/base:bookworm';

describe('an image unpacked for bwrap (real Docker Engine, real bubblewrap)', () => {
  const home = tempDir('rootfs');
  const repo = makeRepo({ 'README.md': 'x\n' }, process.getuid?.() ?? 0);
  const digest = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', BASE]).toString().trim();
  afterAll(() => {
    home.remove();
    repo.remove();
  });

  it('unpacks the digest once, with owners and modes kept, named by the digest', async () => {
    let unpacked = 0;
    const dir = await materializeRootfs({ dockerSocket: '/var/run/docker.sock', digest, home: home.path, onUnpack: () => (unpacked += 1) });
    expect(dir).toBe(join(home.path, 'images', 'rootfs', digest.slice('sha256:'.length)));
    expect(existsSync(join(dir, 'usr', 'local', 'bin', 'node'))).toBe(true);
    expect(statSync(join(dir, 'home', 'agent')).uid).toBe(1000);
    expect(await materializeRootfs({ dockerSocket: '/var/run/docker.sock', digest, home: home.path, onUnpack: () => (unpacked += 1) })).toBe(dir);
    expect(unpacked).toBe(1);
    // Only this home's exports: other tests' bwrap sessions unpack their own meanwhile.
    const labels = execFileSync('docker', ['ps', '-a', '--filter', 'label=dev.airlock.rootfs-export', '--format', '{{.Label "dev.airlock.rootfs-export"}}']).toString();
    expect(labels.split('\n').filter((target) => target.startsWith(home.path))).toEqual([]);
  });

  it('refuses a digest Docker Engine does not hold', async () => {
    await expect(materializeRootfs({ dockerSocket: '/var/run/docker.sock', digest: `sha256:${'0'.repeat(64)}`, home: home.path })).rejects.toMatchObject({ code: 'IMAGE_MISSING' });
  });

  it('runs a bwrap sandbox from it: the image\'s files, not the host\'s', async () => {
    const dir = await materializeRootfs({ dockerSocket: '/var/run/docker.sock', digest, home: home.path });
    // The base image has no python3 binary even when the host does, and its own os-release.
    const r = await runIn(realDriver('bwrap'), ['sh', '-c', 'command -v python3 || echo no-python; node -e "console.log(process.version)"; test -e /opt && echo opt'], { home: home.path, repo: repo.path, rootfs: dir });
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain(process.version);
    expect(existsSync(join(dir, 'opt'))).toBe(true);
    expect(out).toContain('opt');
    if (existsSync('/usr/bin/python3')) expect(out).toContain('no-python');
  });
});
