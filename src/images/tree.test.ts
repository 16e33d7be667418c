import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../core/index.js';
import { binLinks, manifestOf, manifestSha256 } from './manifest.js';
import { walkTree } from './tree.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'airlock-tree-'));
  mkdirSync(join(root, 'node_modules/pkg/bin'), { recursive: true });
  mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{}\n');
  writeFileSync(join(root, 'node_modules/pkg/index.js'), 'module.exports = 1;\n', { mode: 0o666 });
  writeFileSync(join(root, 'node_modules/pkg/bin/cli.js'), '#!/usr/bin/env node\n', { mode: 0o775 });
  symlinkSync('../pkg/bin/cli.js', join(root, 'node_modules/.bin/cli'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const PREFIX = 'opt/airlock/tools/t';

describe('walkTree', () => {
  it('lists every entry under the image prefix, sorted, with root-only write modes and hashes', async () => {
    const tree = await walkTree(root, PREFIX);
    expect(tree.map((e) => [e.path.slice(PREFIX.length), e.type, e.mode.toString(8)])).toEqual([
      ['', 'dir', '755'],
      ['/node_modules', 'dir', '755'],
      ['/node_modules/.bin', 'dir', '755'],
      ['/node_modules/.bin/cli', 'symlink', '777'],
      ['/node_modules/pkg', 'dir', '755'],
      ['/node_modules/pkg/bin', 'dir', '755'],
      ['/node_modules/pkg/bin/cli.js', 'file', '755'],
      ['/node_modules/pkg/index.js', 'file', '644'],
      ['/package.json', 'file', '644'],
    ]);
    const index = tree.find((e) => e.path.endsWith('index.js'));
    expect(index?.sha256).toBe(sha256Hex('module.exports = 1;\n'));
    expect(tree.find((e) => e.type === 'symlink')?.target).toBe('../pkg/bin/cli.js');
  });

  it.each([
    ['a .npmrc anywhere', () => writeFileSync(join(root, 'node_modules/pkg/.npmrc'), '//registry.npmjs.org/:_authToken=x\n'), 'is an npm config file'],
    ['a symlink out of the tree', () => symlinkSync('../../../etc/passwd', join(root, 'node_modules/pkg/evil')), 'is a symlink out of the tree'],
    ['an absolute symlink', () => symlinkSync('/etc/passwd', join(root, 'node_modules/pkg/evil')), 'is a symlink out of the tree'],
    ['a fifo', () => execFileSync('mkfifo', [join(root, 'node_modules/pkg/pipe')]), 'is not a file, directory or symlink'],
  ])('refuses %s', async (_n, plant, message) => {
    plant();
    await expect(walkTree(root, PREFIX)).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining(message) });
  });
});

describe('manifest', () => {
  it('hashes equal trees equally, and changes with a byte, a mode or a name', async () => {
    const first = manifestSha256(manifestOf(await walkTree(root, PREFIX)));
    expect(manifestSha256(manifestOf(await walkTree(root, PREFIX)))).toBe(first);
    writeFileSync(join(root, 'node_modules/pkg/index.js'), 'module.exports = 2;\n');
    const edited = manifestSha256(manifestOf(await walkTree(root, PREFIX)));
    expect(edited).not.toBe(first);
    chmodSync(join(root, 'node_modules/pkg/index.js'), 0o755);
    const chmodded = manifestSha256(manifestOf(await walkTree(root, PREFIX)));
    expect(chmodded).not.toBe(edited);
    expect(manifestSha256(manifestOf(await walkTree(root, 'opt/airlock/tools/u')))).not.toBe(chmodded);
  });

  it('writes modes as octal strings and leaves out host paths', async () => {
    const m = manifestOf(await walkTree(root, PREFIX));
    expect(m.entries.find((e) => e.path.endsWith('cli.js'))).toEqual({ path: `${PREFIX}/node_modules/pkg/bin/cli.js`, type: 'file', mode: '0755', size: 20, sha256: sha256Hex('#!/usr/bin/env node\n') });
    expect(JSON.stringify(m)).not.toContain(root);
  });
});

describe('binLinks', () => {
  it("links the package's own bins into the bin directory", async () => {
    const tree = await walkTree(root, PREFIX);
    const links = binLinks({ bin: { cli: './bin/cli.js' } }, `${PREFIX}/node_modules/pkg`, 'usr/local/bin', tree);
    expect(links).toEqual([{ path: 'usr/local/bin/cli', type: 'symlink', mode: 0o777, size: 0, target: `/${PREFIX}/node_modules/pkg/bin/cli.js` }]);
    expect(binLinks({}, `${PREFIX}/node_modules/pkg`, 'usr/local/bin', tree)).toEqual([]);
  });

  it.each([
    ['a missing file', { cli: 'bin/nope.js' }],
    ['a path out of the package', { cli: '../../../package.json' }],
    ['a name with a slash', { '../cli': 'bin/cli.js' }],
  ])('refuses %s', async (_n, bin) => {
    const tree = await walkTree(root, PREFIX);
    expect(() => binLinks({ bin }, `${PREFIX}/node_modules/pkg`, 'usr/local/bin', tree)).toThrow(/is not a file of the package/);
  });
});
