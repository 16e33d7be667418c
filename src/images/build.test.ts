import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/index.js';
import { builtInPolicy } from '../policy/index.js';
import { dockerfile, installMembers } from './build-context.js';
import { buildToolImage } from './index.js';

const home = mkdtempSync(join(tmpdir(), 'airlock-build-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const options = { policy: builtInPolicy(), home, env: {}, dockerSocket: join(home, 'no-docker.sock'), clock: systemClock };

describe('buildToolImage refuses before it asks Docker or npm', () => {
  it('an unknown tool (TOOL_UNKNOWN), naming the known ones', async () => {
    await expect(buildToolImage({ ...options, tool: 'nope' })).rejects.toMatchObject({ code: 'TOOL_UNKNOWN', message: expect.stringContaining('claude, opencode, codex, gemini') });
  });

  it('a tool without a package: nothing to build', async () => {
    await expect(buildToolImage({ ...options, tool: 'shell' })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('nothing to build: it is just an image (airlock/base:bookworm)') });
  });

  it('says Docker is not answering (DRIVER_UNAVAILABLE) for a packaged tool', async () => {
    await expect(buildToolImage({ ...options, tool: 'gemini' })).rejects.toMatchObject({ code: 'DRIVER_UNAVAILABLE', message: expect.stringContaining('no-docker.sock') });
  });
});

describe('dockerfile', () => {
  const base = `sha256:${'f'.repeat(64)}`;
  const bin = [{ path: 'usr/local/bin/gemini', type: 'symlink' as const, mode: 0o777, size: 0 }];
  const gemini = { baseId: base, installPath: 'opt/airlock/tools/gemini', binPath: 'usr/local/bin', bins: bin, user: '1000:1000' };

  it('starts from the base by id, copies the install and the links, runs non-root, labels in one instruction', () => {
    expect(dockerfile({ ...gemini, labels: { 'dev.airlock.tool': 'gemini', 'org.opencontainers.image.created': '2026-11-24T07:20:55.216Z' } })).toBe(
      `FROM ${base}\nCOPY tool/ /opt/airlock/tools/gemini/\nCOPY bin/ /usr/local/bin/\nUSER 1000:1000\n` +
      'LABEL "dev.airlock.tool"="gemini" \\\n      "org.opencontainers.image.created"="2026-11-24T07:20:55.216Z"\n',
    );
    expect(dockerfile({ ...gemini, bins: [], labels: {} })).toBe(`FROM ${base}\nCOPY tool/ /opt/airlock/tools/gemini/\nUSER 1000:1000\n`);
  });

  it.each(['$HOME', 'a"b', 'a b', 'a\\b', 'a\nb'])('refuses a label value a Dockerfile would change: %j', (value) => {
    expect(() => dockerfile({ ...gemini, labels: { 'dev.airlock.tool': value } })).toThrow(/characters a Dockerfile would change/);
  });
});

describe('installMembers', () => {
  it('sends a file equal to an earlier one (bytes and mode) as a hardlink to it', () => {
    const file = (path: string, sha: string, mode = 0o644) => ({ path: `opt/t/${path}`, type: 'file' as const, mode, size: 9, sha256: sha.repeat(64), source: `/s/${path}` });
    const members = installMembers([{ path: 'opt/t', type: 'dir', mode: 0o755, size: 0 }, file('a', 'a'), file('b', 'a'), file('c', 'a', 0o755), file('d', 'd')], 'opt/t');
    expect(members.map((m) => [m.name, m.type, m.target])).toEqual([
      ['tool', 'dir', undefined], ['tool/a', 'file', undefined], ['tool/b', 'hardlink', 'tool/a'], ['tool/c', 'file', undefined], ['tool/d', 'file', undefined],
    ]);
  });
});
