import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import { builtInPolicy } from '../policy/index.js';
import type { BuildOutcome, BuildProgress, BuildToolImageOptions } from './index.js';
import { buildToolImage, IMAGE_LABELS } from './index.js';

const IS_NUMBER = { name: 'is-number', version: '7.0.0', installScripts: false, integrity: 'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==' };
const IS_NUMBER_SHA512_HEX = Buffer.from(IS_NUMBER.integrity.slice('sha512-'.length), 'base64').toString('hex');
const RUN = randomBytes(4).toString('hex');
const TAG = `airlock-test/images-isnum:7.0.0-${RUN}`;
const GEMINI_TAG = `airlock-test/tool-gemini:0.61.0-${RUN}`;
const TOKEN = `airlock-planted-${randomBytes(16).toString('hex')}`;
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `airlock-images-${prefix}-`));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const tag of [TAG, `${TAG}-bad`, GEMINI_TAG]) {
    try {
      execFileSync('docker', ['rmi', '--force', tag], { stdio: 'pipe' });
    } catch {
      // Not built (a failing test) or already gone.
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function policyWith(tool: Policy['tools'][string], name = 'isnum'): Policy {
  const policy = builtInPolicy();
  policy.tools[name] = tool;
  return policy;
}

const isnum = (image = TAG, pkg = IS_NUMBER) => ({ image, entrypoint: ['node'], env: {}, files: {}, egress: [], updateHosts: [], persist: [], package: pkg });

/** The builder's environment with a credential planted where npm would look for one. */
function plantedEnv(): NodeJS.ProcessEnv {
  const fakeHome = tempDir('user-home');
  writeFileSync(join(fakeHome, '.npmrc'), `//registry.npmjs.org/:_authToken=${TOKEN}\nalways-auth=true\n`);
  return { ...process.env, HOME: fakeHome, NPM_TOKEN: TOKEN, NODE_AUTH_TOKEN: TOKEN, npm_config__authToken: TOKEN };
}

function build(options: Partial<BuildToolImageOptions> & Pick<BuildToolImageOptions, 'home'>, steps: BuildProgress[] = []): Promise<BuildOutcome> {
  return buildToolImage({ tool: 'isnum', policy: policyWith(isnum()), env: plantedEnv(), dockerSocket: '/var/run/docker.sock', clock: systemClock, onProgress: (p) => steps.push(p), ...options });
}

function inspectLabels(tag: string): { id: string; user: string; labels: Record<string, string> } {
  const out = execFileSync('docker', ['image', 'inspect', '--format', '{{json .}}', tag]).toString();
  const info = JSON.parse(out) as { Id: string; Config: { User: string; Labels: Record<string, string> } };
  return { id: info.Id, user: info.Config.User, labels: info.Config.Labels };
}

function inContainer(tag: string, script: string): string {
  return execFileSync('docker', ['run', '--rm', '--network', 'none', tag, 'sh', '-c', script]).toString();
}

/** Streams `docker save` and reports which needles occur in it (across chunk boundaries). */
function savedImageContains(tag: string, needles: string[]): Promise<Record<string, boolean>> {
  return new Promise((resolve, reject) => {
    const found = Object.fromEntries(needles.map((n) => [n, false]));
    const keep = Math.max(...needles.map((n) => n.length));
    let tail = Buffer.alloc(0);
    const child = spawn('docker', ['save', tag], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      const window = Buffer.concat([tail, chunk]);
      for (const n of needles) if (window.includes(n)) found[n] = true;
      tail = window.subarray(Math.max(0, window.length - keep));
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(found) : reject(new Error(`docker save exited ${code}`))));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('airlock images build (real npm registry, real Docker Engine)', () => {
  const home = tempDir('home');
  let first: BuildOutcome;

  it('builds a small tool: labels, record, SBOM and files manifest beside it', async () => {
    const steps: BuildProgress[] = [];
    first = await build({ home }, steps);
    expect(first.skipped).toBe(false);
    expect([...new Set(steps.map((s) => s.step))]).toEqual(['resolving', 'installing', 'sbom', 'building', 'done']);
    expect(steps.filter((s) => s.message.includes('install scripts'))).toEqual([]);
    const { record, paths } = first;
    const image = inspectLabels(TAG);
    expect(record.image.id).toBe(image.id);
    expect(image.user).toBe('1000:1000');
    const base = inspectLabels('airlock/base:bookworm');
    expect(image.labels).toMatchObject({
      [IMAGE_LABELS.title]: 'airlock-tool-isnum', [IMAGE_LABELS.version]: '7.0.0', [IMAGE_LABELS.created]: record.builtAt,
      [IMAGE_LABELS.tool]: 'isnum', [IMAGE_LABELS.toolVersion]: '7.0.0', [IMAGE_LABELS.baseDigest]: base.id,
      [IMAGE_LABELS.lockfileSha256]: record.lockfileSha256, [IMAGE_LABELS.sbomSha256]: record.sbomSha256, [IMAGE_LABELS.filesSha256]: record.filesSha256,
    });
    expect(JSON.parse(readFileSync(paths.record, 'utf8'))).toEqual(record);
    const sbom = JSON.parse(readFileSync(paths.sbom, 'utf8')) as { specVersion: string; components: { purl: string; hashes: { alg: string; content: string }[] }[] };
    expect(sbom.specVersion).toBe('1.6');
    expect(sbom.components).toEqual([expect.objectContaining({ purl: 'pkg:npm/is-number@7.0.0', hashes: [{ alg: 'SHA-512', content: IS_NUMBER_SHA512_HEX }] })]);
    expect(readdirSync(join(home, 'images', '.work'))).toEqual([]);
  });

  it('runs as uid 1000, with the tool owned by root and not writable by the agent', () => {
    const out = inContainer(TAG, [
      'id -u; id -g',
      'echo owners: $(find /opt/airlock ! -user 0 | wc -l)',
      'echo writable: $(find /opt/airlock /usr/local/bin -writable | wc -l)',
      'touch /opt/airlock/tools/isnum/node_modules/is-number/index.js 2>/dev/null && echo WROTE || echo denied',
      'node -e "console.log(require(\'/opt/airlock/tools/isnum/node_modules/is-number\')(7))"',
    ].join('; '));
    expect(out.trim().split('\n')).toEqual(['1000', '1000', 'owners: 0', 'writable: 0', 'denied', 'true']);
  });

  it('leaves the planted npm credential out of every layer, the image config and AIRLOCK_HOME', async () => {
    const found = await savedImageContains(TAG, [TOKEN, first.record.lockfileSha256, 'num - num === 0']);
    // The two controls prove the scan sees the config and the tool's layer.
    expect(found).toEqual({ [TOKEN]: false, [first.record.lockfileSha256]: true, 'num - num === 0': true });
    const leaking = filesUnder(home).filter((f) => readFileSync(f).includes(TOKEN));
    expect(leaking).toEqual([]);
  });

  it('skips the build when the image carries the same lockfile and base', async () => {
    const steps: BuildProgress[] = [];
    const again = await build({ home }, steps);
    expect(again.skipped).toBe(true);
    expect(again.record).toEqual(first.record);
    expect(steps.map((s) => s.step)).toEqual(['resolving', 'skipped']);
  });

  it('is reproducible: --force, and a fresh AIRLOCK_HOME, give the same lockfile, files and SBOM', async () => {
    // With installScripts (is-number has none): npm rebuild runs in a container of the base, and changes nothing.
    const steps: BuildProgress[] = [];
    const forced = await build({ home, force: true, policy: policyWith(isnum(TAG, { ...IS_NUMBER, installScripts: true })) }, steps);
    expect(steps.map((s) => s.message)).toContain('running the install scripts of is-number@7.0.0 in a container of airlock/base:bookworm (no network, the install its only writable directory)');
    expect(forced.record.package.installScripts).toBe(true);
    expect(forced.skipped).toBe(false);
    expect(forced.record.image.id).not.toBe(first.record.image.id);
    const fresh = await build({ home: tempDir('home2') });
    expect(fresh.skipped).toBe(false);
    for (const r of [forced.record, fresh.record]) {
      expect({ lock: r.lockfileSha256, files: r.filesSha256, sbom: r.sbomSha256 }).toEqual({ lock: first.record.lockfileSha256, files: first.record.filesSha256, sbom: first.record.sbomSha256 });
    }
    expect(readFileSync(fresh.paths.lockfile)).toEqual(readFileSync(first.paths.lockfile));
    expect(readFileSync(fresh.paths.manifest)).toEqual(readFileSync(first.paths.manifest));
  });

  it('refuses a package whose registry integrity is not the policy one, keeping no lockfile and no image', async () => {
    const other = { ...IS_NUMBER, integrity: builtInPolicy().tools.gemini?.package?.integrity ?? '' };
    const h = tempDir('bad');
    const failing = build({ home: h, policy: policyWith(isnum(`${TAG}-bad`, other)) });
    await expect(failing).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining('the registry served something else') });
    expect(existsSync(join(h, 'images', 'isnum', '7.0.0', 'package-lock.json'))).toBe(false);
    expect(() => execFileSync('docker', ['image', 'inspect', `${TAG}-bad`], { stdio: 'pipe' })).toThrow();
  });

  it("shows npm's last lines when npm fails", async () => {
    const failing = build({ home: tempDir('npm-fail'), policy: policyWith(isnum(`${TAG}-bad`, { ...IS_NUMBER, version: '99.99.99' })) });
    await expect(failing).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining('npm failed resolving is-number@99.99.99') });
    const details = await failing.then(() => [], (e: { details: string[] }) => e.details);
    expect(details.join('\n')).toMatch(/No matching version|ETARGET|notarget/);
  });

  it('says how to make a missing base image (IMAGE_MISSING)', async () => {
    const policy = policyWith(isnum());
    policy.sandbox.image = `airlock-test/no-such-base:${RUN}`;
    await expect(build({ home: tempDir('nobase'), policy })).rejects.toMatchObject({ code: 'IMAGE_MISSING', message: expect.stringContaining('scripts/setup-host.sh') });
  });
});

describe('the real gemini agent image, from the built-in policy', () => {
  it('builds cold, then warm, and runs gemini --version with no network', async () => {
    const policy = builtInPolicy();
    const gemini = policy.tools.gemini;
    if (gemini === undefined) throw new Error('the built-in policy has no gemini tool');
    gemini.image = GEMINI_TAG;
    const home = tempDir('gemini');
    const options = { tool: 'gemini', policy, home, env: plantedEnv(), dockerSocket: '/var/run/docker.sock', clock: systemClock };
    const t0 = Date.now();
    const cold = await buildToolImage(options);
    const coldMs = Date.now() - t0;
    expect(inContainer(GEMINI_TAG, 'gemini --version').trim()).toBe('0.61.0');
    expect(inContainer(GEMINI_TAG, 'id -u; stat -L -c "%u %a" /usr/local/bin/gemini; find /opt/airlock /usr/local/bin -writable | wc -l').trim().split('\n')).toEqual(['1000', '0 755', '0']);
    expect(cold.record.image.bins).toEqual(['gemini']);
    expect(statSync(cold.paths.sbom).size).toBeGreaterThan(0);
    const t1 = Date.now();
    const warm = await buildToolImage({ ...options, force: true });
    const warmMs = Date.now() - t1;
    expect(warm.record.filesSha256).toBe(cold.record.filesSha256);
    const t2 = Date.now();
    expect((await buildToolImage(options)).skipped).toBe(true);
    const skipMs = Date.now() - t2;
    console.info(`gemini image: cold build ${coldMs} ms, warm (--force) ${warmMs} ms, up to date ${skipMs} ms`);
  }, 300_000);
});
