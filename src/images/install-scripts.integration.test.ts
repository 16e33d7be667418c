import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import { inspectImage, openDocker } from './docker.js';
import type { DockerAccess } from './docker.js';
import { npmDirOf, runInstallScripts } from './install-scripts.js';

const work = tempDir('install-scripts');
const canary = `host-canary-${randomBytes(12).toString('hex')}`;
const secret = `planted-secret-${randomBytes(12).toString('hex')}`;
const canaryFile = join(work.path, 'canary.txt');
const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
let listener: Server;
let connections = 0;
let access: DockerAccess;
let baseId: string;
let npmDir: string;

/**
 * A package whose postinstall records what it could do: write its own directory, write
 * a file on the host (`marker`), read the host's canary, see the builder's environment,
 * connect to a listener on the host's loopback.
 */
function probePackage(name: string, marker: string, port: number, exit = 0): string {
  const src = join(work.path, `${name}-src`);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'package.json'), JSON.stringify({ name, version: '1.0.0', scripts: { postinstall: 'node probe.js' } }));
  writeFileSync(join(src, 'probe.js'), `
const fs = require('node:fs');
const net = require('node:net');
const seen = { uid: process.getuid(), env: JSON.stringify(process.env) };
try { fs.writeFileSync(${JSON.stringify(marker)}, 'escaped'); seen.hostWrite = 'written'; } catch (e) { seen.hostWrite = e.code; }
try { seen.canary = fs.readFileSync(${JSON.stringify(canaryFile)}, 'utf8'); } catch (e) { seen.canary = e.code; }
const s = net.connect(${String(port)}, '127.0.0.1');
s.on('connect', () => finish('connected'));
s.on('error', (e) => finish(e.code));
function finish(how) {
  seen.connect = how;
  s.destroy();
  fs.writeFileSync('ran.json', JSON.stringify(seen));
  console.log('probe ran as uid ' + seen.uid);
  if (${String(exit)} !== 0) { console.error('probe failed on purpose'); process.exit(${String(exit)}); }
}
`);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work.path], { cwd: src, stdio: 'pipe' });
  return join(work.path, `${name}-1.0.0.tgz`);
}

/** A staging directory as npm ci --ignore-scripts leaves it, the probe installed. */
function staged(name: string, tarball: string): string {
  const staging = join(work.path, `${name}-staging`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'staging', version: '0.0.0', private: true, dependencies: { [name]: `file:${tarball}` } }));
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier'], { cwd: staging, stdio: 'pipe', env: { PATH: process.env.PATH, HOME: work.path } });
  expect(existsSync(join(staging, 'node_modules', name, 'ran.json'))).toBe(false);
  return staging;
}

beforeAll(async () => {
  writeFileSync(canaryFile, canary);
  listener = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  access = await openDocker('/var/run/docker.sock');
  baseId = (await inspectImage(access, 'airlock/base:bookworm'))?.id ?? '';
  npmDir = await npmDirOf('npm', process.env.PATH ?? '');
});

afterAll(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  work.remove();
});

describe('install scripts run in a container, not on the host', () => {
  const port = () => (listener.address() as { port: number }).port;

  it('lets a script write its own package, and nothing of the host: files, canary, environment, network', async () => {
    const marker = join(work.path, `marker-${randomBytes(6).toString('hex')}`);
    const staging = staged('airlock-probe-a', probePackage('airlock-probe-a', marker, port()));
    process.env.AIRLOCK_PROBE_SECRET = secret;
    try {
      await runInstallScripts({ access, baseId, staging, npmDir, user: owner, doing: 'running the probe' });
    } finally {
      delete process.env.AIRLOCK_PROBE_SECRET;
    }
    const seen = JSON.parse(readFileSync(join(staging, 'node_modules', 'airlock-probe-a', 'ran.json'), 'utf8')) as Record<string, unknown>;
    expect(seen.uid).toBe(owner.uid);
    expect(existsSync(marker)).toBe(false);
    expect(seen.hostWrite).not.toBe('written');
    expect(seen.canary).toBe('ENOENT');
    expect(JSON.stringify(seen)).not.toContain(canary);
    expect(seen.env).not.toContain(secret);
    expect(seen.env).not.toContain(work.path);
    expect(seen.connect).not.toBe('connected');
    expect(connections).toBe(0);
  }, 120_000);

  it('fails the build with the script\'s own words when a script fails', async () => {
    const staging = staged('airlock-probe-b', probePackage('airlock-probe-b', join(work.path, 'unused'), port(), 3));
    const failed = runInstallScripts({ access, baseId, staging, npmDir, user: owner, doing: 'running the failing probe' });
    await expect(failed).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining('the install scripts failed running the failing probe') });
    const details = (await failed.catch((e: { details?: string[] }) => e.details)) ?? [];
    expect(details.join('\n')).toContain('probe failed on purpose');
  }, 120_000);

  it('stops the container when the build is interrupted, and leaves none behind', async () => {
    const src = join(work.path, 'airlock-probe-slow-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'package.json'), JSON.stringify({ name: 'airlock-probe-slow', version: '1.0.0', scripts: { postinstall: 'node -e "setTimeout(() => {}, 120000)"' } }));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', work.path], { cwd: src, stdio: 'pipe' });
    const staging = staged('airlock-probe-slow', join(work.path, 'airlock-probe-slow-1.0.0.tgz'));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1500);
    const started = Date.now();
    await expect(runInstallScripts({ access, baseId, staging, npmDir, user: owner, doing: 'running the slow probe', signal: abort.signal })).rejects.toMatchObject({
      code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining('it was interrupted'),
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    const left = await access.docker.listContainers({ all: true, filters: { label: ['dev.airlock.install-scripts=1'] } });
    expect(left).toEqual([]);
  }, 120_000);

  it('control: the same probe run by npm on the host does reach the host (what the container prevents)', () => {
    const marker = join(work.path, `marker-${randomBytes(6).toString('hex')}`);
    const staging = staged('airlock-probe-c', probePackage('airlock-probe-c', marker, port()));
    execFileSync('npm', ['rebuild', '--foreground-scripts', '--no-audit', '--no-fund'], { cwd: staging, stdio: 'pipe', env: { PATH: process.env.PATH, HOME: work.path, AIRLOCK_PROBE_SECRET: secret } });
    const seen = JSON.parse(readFileSync(join(staging, 'node_modules', 'airlock-probe-c', 'ran.json'), 'utf8')) as Record<string, unknown>;
    expect(readFileSync(marker, 'utf8')).toBe('escaped');
    expect(seen.canary).toBe(canary);
    expect(seen.env).toContain(secret);
  }, 120_000);

  it('finds npm\'s own directory from the command, and refuses a wrapper in its place', async () => {
    expect(existsSync(join(npmDir, 'bin', 'npm-cli.js'))).toBe(true);
    expect(await npmDirOf(join(npmDir, 'bin', 'npm-cli.js'), '')).toBe(npmDir);
    const wrapperDir = join(work.path, 'wrapper-bin');
    mkdirSync(wrapperDir, { recursive: true });
    writeFileSync(join(wrapperDir, 'npm'), '#!/bin/sh\nexec /usr/bin/npm "$@"\n', { mode: 0o755 });
    await expect(npmDirOf('npm', wrapperDir)).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining("not npm's own bin/npm-cli.js") });
    await expect(npmDirOf('npm', join(work.path, 'nowhere'))).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining('is not on PATH') });
  });
});
