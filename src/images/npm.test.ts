import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npmEnv, npmExcerpt, npmFlags, prepareNpm, runNpm } from './npm.js';
import { npmPaths } from './paths.js';

const home = mkdtempSync(join(tmpdir(), 'airlock-npm-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const paths = npmPaths(home);

describe('npmEnv', () => {
  const host = {
    PATH: '/usr/bin', HOME: '/home/alice', HTTPS_PROXY: 'http://proxy:3128', NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
    NPM_TOKEN: 'npm_secret', NODE_AUTH_TOKEN: 'secret', npm_config__authToken: 'secret', 'npm_config_//registry.npmjs.org/:_authToken': 'secret',
    npm_config_registry: 'https://evil.example/', GITHUB_TOKEN: 'secret', AWS_SECRET_ACCESS_KEY: 'secret',
  };

  it("passes only PATH, locale and proxy/CA variables, and points npm at airlock's own home, config and cache", () => {
    expect(npmEnv(host, paths)).toEqual({
      PATH: '/usr/bin', HTTPS_PROXY: 'http://proxy:3128', NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
      HOME: paths.home, npm_config_userconfig: paths.userconfig, npm_config_cache: paths.cache,
    });
    expect(JSON.stringify(npmEnv(host, paths))).not.toContain('secret');
  });

  it('gives every call the userconfig and cache flags', () => {
    expect(npmFlags(paths)).toEqual(expect.arrayContaining(['--userconfig', paths.userconfig, '--cache', paths.cache]));
  });
});

describe('prepareNpm', () => {
  it('writes a userconfig with no credential, private to the owner', async () => {
    await prepareNpm(paths);
    const text = readFileSync(paths.userconfig, 'utf8');
    expect(text).not.toMatch(/_auth|token|password/i);
    expect(statSync(paths.userconfig).mode & 0o777).toBe(0o600);
    expect(statSync(paths.cache).mode & 0o777).toBe(0o700);
  });
});

describe('runNpm', () => {
  const call = { args: [], cwd: home, env: { PATH: process.env.PATH ?? '' }, doing: 'resolving demo@1.0.0' };

  it("fails with IMAGE_BUILD_FAILED and npm's last lines", async () => {
    const script = "for (let i = 0; i < 30; i++) console.error('line ' + i); console.error('npm error 404 Not Found'); process.exit(1)";
    const failing = runNpm({ ...call, command: process.execPath, args: ['-e', script] });
    await expect(failing).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining('npm failed resolving demo@1.0.0: npm exited with 1') });
    const details = await failing.then(() => [], (e: { details: string[] }) => e.details);
    expect(details).toHaveLength(15);
    expect(details.at(-1)).toBe('npm error 404 Not Found');
  });

  it('says so when npm is not on PATH', async () => {
    await expect(runNpm({ ...call, command: 'airlock-no-such-npm' })).rejects.toMatchObject({ message: expect.stringContaining('airlock-no-such-npm is not on PATH') });
  });

  it('resolves when npm succeeds', async () => {
    await expect(runNpm({ ...call, command: process.execPath, args: ['-e', ''] })).resolves.toBeUndefined();
  });
});

describe('npmExcerpt', () => {
  it("keeps npm's own message when a usage text follows it, and the log line", () => {
    const usage = Array.from({ length: 40 }, (_, i) => `npm error   --option-${i}`);
    const output = ['npm error code EUSAGE', 'npm error', 'npm error `npm ci` can only install packages when in sync.', 'npm error Missing: a@ from lock file',
      ...usage, 'npm error A complete log of this run can be found in: /x.log'].join('\n');
    const excerpt = npmExcerpt(output);
    expect(excerpt.slice(0, 3)).toEqual(['npm error code EUSAGE', 'npm error `npm ci` can only install packages when in sync.', 'npm error Missing: a@ from lock file']);
    expect(excerpt.at(-1)).toBe('npm error A complete log of this run can be found in: /x.log');
    expect(excerpt).toHaveLength(15);
  });

  it('shows short output whole', () => {
    expect(npmExcerpt('npm error code E404\nnpm error 404 Not Found\n')).toEqual(['npm error code E404', 'npm error 404 Not Found']);
  });
});
