import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { AirlockError } from '../core/index.js';
import { tempDir } from '../../test/helpers.js';
import { BUILT_IN_POLICY } from './built-in.js';
import { DEFAULT_POLICY_YAML } from './defaults.js';
import { BUILT_IN_SOURCE, loadEffectivePolicy } from './load.js';
import { PolicySchema } from './schema.js';

const dirs: { remove: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function setup(org?: string, repoPolicy?: string) {
  const home = tempDir('policy');
  dirs.push(home);
  const orgFile = join(home.path, 'policy.yaml');
  if (org !== undefined) writeFileSync(orgFile, org);
  const repoDir = join(home.path, 'repo');
  mkdirSync(join(repoDir, '.airlock'), { recursive: true });
  if (repoPolicy !== undefined) writeFileSync(join(repoDir, '.airlock', 'policy.yaml'), repoPolicy);
  return { orgFile, repoDir, repoFile: join(repoDir, '.airlock', 'policy.yaml') };
}

async function errorsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AirlockError);
  expect((error as AirlockError).code).toBe('POLICY_INVALID');
  expect((error as AirlockError).exitCode).toBe(78);
  return [...(error as AirlockError).details];
}

describe('built-in policy', () => {
  it('is exactly the commented YAML that airlock init writes', () => {
    expect(PolicySchema.parse(parse(DEFAULT_POLICY_YAML))).toEqual(BUILT_IN_POLICY);
  });

  it('is what a run with no policy file gets', async () => {
    const { orgFile, repoDir } = setup();
    const effective = await loadEffectivePolicy({ orgFile, repoDir });
    expect(effective.policy).toEqual(BUILT_IN_POLICY);
    expect(effective.sources).toEqual([BUILT_IN_SOURCE]);
    expect(effective.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('org policy file', () => {
  it('replaces only the fields it sets', async () => {
    const { orgFile } = setup('version: 1\nlimits:\n  memoryMb: 1024\n');
    const { policy, sources } = await loadEffectivePolicy({ orgFile });
    expect(policy.limits).toEqual({ ...BUILT_IN_POLICY.limits, memoryMb: 1024 });
    expect(sources).toEqual([BUILT_IN_SOURCE, orgFile]);
  });

  it.each([
    ['an unknown key', 'version: 1\nsandbox:\n  drvier: docker\n', ':sandbox: unknown key "drvier"'],
    ['uid 0', 'version: 1\nsandbox:\n  uid: 0\n', ':sandbox.uid: the sandbox never runs as root'],
    ['a wrong type', 'version: 1\nlimits:\n  pids: lots\n', ':limits.pids:'],
    ['a wrong version', 'version: 2\n', ':version:'],
    ['a relative mount', 'version: 1\nsandbox:\n  mounts:\n    - { source: data, target: /data, readOnly: true }\n', ':sandbox.mounts.0.source: must be an absolute path'],
    ['a mount over /workspace', 'version: 1\nsandbox:\n  mounts:\n    - { source: /srv, target: /workspace/x, readOnly: true }\n', ':sandbox.mounts.0.target: /workspace/x overlaps /workspace'],
    ['a tool without an image', 'version: 1\ntools:\n  x:\n    entrypoint: [x]\n', ':tools.x.image:'],
    ['broken YAML', 'version: 1\nlimits: [\n', ': YAML syntax error'],
    ['an empty file', '', ': the file is empty'],
  ])('reports %s as file:dot.path: message', async (_name, text, expected) => {
    const { orgFile } = setup(text);
    const errors = await errorsOf(loadEffectivePolicy({ orgFile }));
    expect(errors.join('\n')).toContain(`${orgFile}${expected}`);
  });

  it('reports every error at once', async () => {
    const { orgFile } = setup('version: 1\nlimits:\n  pids: -1\n  cpus: 0\nsandbox:\n  uid: 0\n');
    expect(await errorsOf(loadEffectivePolicy({ orgFile }))).toHaveLength(3);
  });
});

describe('repo policy narrows, never widens', () => {
  const org = 'version: 1\nsandbox:\n  mounts:\n    - { source: /usr/share, target: /data, readOnly: true }\n';

  it.each([
    ['keeps a subset of tools', 'version: 1\ntools: [shell]\n', (p: typeof BUILT_IN_POLICY) => expect(Object.keys(p.tools)).toEqual(['shell'])],
    ['lowers a limit', 'version: 1\nlimits:\n  memoryMb: 512\n', (p: typeof BUILT_IN_POLICY) => expect(p.limits.memoryMb).toBe(512)],
    ['makes the repo read-only', 'version: 1\nsandbox:\n  repo: read-only\n', (p: typeof BUILT_IN_POLICY) => expect(p.sandbox.repo).toBe('read-only')],
    ['removes a mount', 'version: 1\nsandbox:\n  mounts: []\n', (p: typeof BUILT_IN_POLICY) => expect(p.sandbox.mounts).toEqual([])],
    ['picks a driver where the org says auto', 'version: 1\nsandbox:\n  driver: bwrap\n', (p: typeof BUILT_IN_POLICY) => expect(p.sandbox.driver).toBe('bwrap')],
  ])('%s', async (_name, text, check) => {
    const { orgFile, repoDir, repoFile } = setup(org, text);
    const effective = await loadEffectivePolicy({ orgFile, repoDir });
    check(effective.policy);
    expect(effective.sources).toEqual([BUILT_IN_SOURCE, orgFile, repoFile]);
  });

  it.each([
    ['adding a tool', 'version: 1\ntools: [shell, evil]\n', 'tools.1: "evil" is not a tool of the org policy'],
    ['raising a limit', 'version: 1\nlimits:\n  memoryMb: 999999\n', 'limits.memoryMb: 999999 is above the org limit 4096'],
    ['adding a mount', 'version: 1\nsandbox:\n  mounts: [/data, /secrets]\n', 'sandbox.mounts.1: /secrets is not a mount of the org policy'],
    ['defining a tool', 'version: 1\ntools:\n  evil: { image: x, entrypoint: [x] }\n', 'tools: Invalid input'],
    ['changing the uid', 'version: 1\nsandbox:\n  uid: 2000\n', 'sandbox: unknown key "uid"'],
  ])('refuses %s', async (_name, text, expected) => {
    const { orgFile, repoDir, repoFile } = setup(org, text);
    const errors = await errorsOf(loadEffectivePolicy({ orgFile, repoDir }));
    expect(errors.join('\n')).toContain(`${repoFile}:${expected}`);
  });

  it('refuses read-write over an org read-only repo, and a driver the org fixed', async () => {
    const { orgFile, repoDir } = setup('version: 1\nsandbox:\n  repo: read-only\n  driver: docker\n', 'version: 1\nsandbox:\n  repo: read-write\n  driver: bwrap\n');
    const errors = await errorsOf(loadEffectivePolicy({ orgFile, repoDir }));
    expect(errors).toHaveLength(2);
    expect(errors.join('\n')).toContain('cannot make it read-write');
    expect(errors.join('\n')).toContain('fixes the driver to docker');
  });

  it('lists the tools the repo removed', async () => {
    const { orgFile, repoDir } = setup(undefined, 'version: 1\ntools: [node]\n');
    expect((await loadEffectivePolicy({ orgFile, repoDir })).removedTools).toEqual(['shell', 'claude', 'opencode', 'codex', 'gemini']);
  });
});
