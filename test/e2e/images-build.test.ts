import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { airlock, tempDir } from '../helpers.js';

const TAG = `airlock-test/e2e-isnum:7.0.0-${randomBytes(4).toString('hex')}`;
const POLICY = `version: 1
tools:
  isnum:
    image: ${TAG}
    entrypoint: [node]
    package:
      name: is-number
      version: 7.0.0
      integrity: sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==
`;

describe('airlock images', () => {
  const home = tempDir('images');
  afterAll(() => {
    home.remove();
    try {
      execFileSync('docker', ['rmi', '--force', TAG], { stdio: 'pipe' });
    } catch {
      // Not built.
    }
  });

  it('documents build in its help and in the command list', async () => {
    const main = await airlock(['--help'], { home: home.path });
    expect(main.stdout.toString()).toContain('  images ');
    const help = await airlock(['images', '--help'], { home: home.path });
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toContain('Usage: airlock images build <tool> [--force] [--json]');
  });

  it.each([
    [['images'], 64, 'airlock images needs a subcommand: build'],
    [['images', 'frob'], 64, 'unknown images subcommand "frob"'],
    [['images', 'build'], 64, 'airlock images build needs a tool name'],
    [['images', 'build', 'nope'], 64, 'unknown tool "nope"'],
    [['images', 'build', 'shell'], 64, 'nothing to build: it is just an image'],
    [['images', 'build', 'gemini', '--bogus'], 64, "Unknown option '--bogus'"],
  ])('airlock %j exits %i saying what to do', async (args, code, text) => {
    const r = await airlock(args, { home: home.path });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(text);
  });

  it('exits 69 when Docker is not answering', async () => {
    const r = await airlock(['images', 'build', 'gemini'], { home: home.path, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('Docker Engine is not answering on /nonexistent/docker.sock');
  });

  it('builds a tool of the org policy, prints its record with --json, and then says it is up to date', async () => {
    const h = tempDir('images-build');
    try {
      writeFileSync(join(h.path, 'policy.yaml'), POLICY);
      const r = await airlock(['images', 'build', 'isnum', '--json'], { home: h.path, timeoutMs: 120_000 });
      expect(r.stderr).toContain('airlock: resolving is-number@7.0.0\nairlock: installing 1 package of is-number@7.0.0\n');
      expect(r.code).toBe(0);
      const record = JSON.parse(r.stdout.toString()) as { tool: string; image: { reference: string; id: string; user: string } };
      expect(record).toMatchObject({ tool: 'isnum', image: { reference: TAG, user: '1000:1000' } });
      expect(r.stderr).toContain(`airlock: built ${TAG}\n`);
      const again = await airlock(['images', 'build', 'isnum'], { home: h.path, timeoutMs: 120_000 });
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`airlock: ${TAG} is up to date (same lockfile and base image): nothing built; --force rebuilds it`);
      expect(again.stdout.toString()).toContain(`image     ${TAG} ${record.image.id}`);
    } finally {
      h.remove();
    }
  });
});
