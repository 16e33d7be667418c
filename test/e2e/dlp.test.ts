import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingSchema } from '../../src/dlp/index.js';
import { BASE62, checksummedToken, createRng, pemBlock, randomChars, sampleTokens } from '../../src/dlp/test-tokens.js';
import { airlock, tempDir } from '../helpers.js';

/** `airlock dlp scan` as a person runs it, over a tree with secrets where a walk must and must not look. */
describe('airlock dlp scan', () => {
  const home = tempDir('dlp-home');
  const work = tempDir('dlp-work');
  const outside = tempDir('dlp-outside');
  const rng = createRng(7);
  const t = sampleTokens(rng);
  const gh = checksummedToken(rng, 'ghp_');
  const hidden = checksummedToken(rng, 'ghp_');
  const low = randomChars(rng, BASE62, 28);
  const key = pemBlock(rng, 'RSA PRIVATE KEY');
  const secrets = [gh, hidden, low, key.split('\n')[3] ?? '', t['aws-access-key-id'] ?? '', t['aws-secret-access-key'] ?? ''];
  const opts = { home: home.path, cwd: work.path };

  beforeAll(() => {
    const file = (path: string, content: string | Buffer) => {
      mkdirSync(join(work.path, path, '..'), { recursive: true });
      writeFileSync(join(work.path, path), content);
    };
    file('app/src/config.js', `export const token = "${gh}";\nexport const api_key = "${low}";\n`);
    file('app/.env', `AWS_ACCESS_KEY_ID=${t['aws-access-key-id']}\nAWS_SECRET_ACCESS_KEY=${t['aws-secret-access-key']}\n`);
    file('app/deploy/id_rsa', `${key}\n`);
    file('app/.git/config', `[remote "origin"]\n\turl = https://x:${hidden}@github.com/o/r\n`);
    file('app/logo.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(hidden)]));
    file('app/huge.log', '');
    truncateSync(join(work.path, 'app/huge.log'), 33 * 1024 * 1024);
    writeFileSync(join(outside.path, 'token.txt'), `${hidden}\n`);
    symlinkSync(outside.path, join(work.path, 'app/linked'));
    file('clean/README.md', '# nothing to see\nSet api_key to your own key; see docs.\n');
  });
  afterAll(() => {
    home.remove();
    work.remove();
    outside.remove();
  });

  function neverPrintsASecret(run: { stdout: Buffer; stderr: string }): void {
    for (const s of secrets) {
      expect(run.stdout.toString()).not.toContain(s.slice(4, 20));
      expect(run.stderr).not.toContain(s.slice(4, 20));
    }
  }

  it('prints high-confidence findings as path:line:col rule confidence preview, and exits 1', async () => {
    const run = await airlock(['dlp', 'scan', 'app'], opts);
    expect(run.code).toBe(1);
    expect(run.stdout.toString().trim().split('\n')).toEqual([
      `app/.env:1:19 aws-access-key-id high AKIA****...${(t['aws-access-key-id'] ?? '').slice(-2)}`,
      `app/.env:2:23 aws-secret-access-key high ****...${(t['aws-secret-access-key'] ?? '').slice(-4)}`,
      'app/deploy/id_rsa:1:1 private-key high -----BEGIN RSA PRIVATE KEY-----****',
      `app/src/config.js:1:23 github-token high ghp_****...${gh.slice(-4)}`,
    ]);
    expect(run.stderr).toContain('note: skipped app/huge.log: 33.0 MiB is over the 32 MiB limit');
    expect(run.stderr).toContain('scanned 3 files');
    expect(run.stderr).toContain('4 high-confidence, 1 low-confidence finding (not shown: --all shows them); skipped 1 binary, 1 symlink, 1 over 32 MiB');
    neverPrintsASecret(run);
  });

  it('prints low-confidence findings too with --all', async () => {
    const run = await airlock(['dlp', 'scan', 'app', '--all'], opts);
    expect(run.code).toBe(1);
    expect(run.stdout.toString()).toContain(`app/src/config.js:2:25 generic-secret low ****...${low.slice(-2)}\n`);
    neverPrintsASecret(run);
  });

  it('prints a JSON array with --json', async () => {
    const run = await airlock(['dlp', 'scan', join(work.path, 'app', 'src'), 'app/.env', '--json', '--all'], opts);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout.toString()) as { path: string }[];
    expect(findings.map((f) => f.path)).toEqual([join(work.path, 'app/src/config.js'), join(work.path, 'app/src/config.js'), 'app/.env', 'app/.env']);
    for (const { path: _p, ...f } of findings) expect(FindingSchema.parse(f)).toEqual(f);
    neverPrintsASecret(run);
  });

  it('exits 0 when nothing is found, and follows a symlink named on the command line', async () => {
    const clean = await airlock(['dlp', 'scan', 'clean'], opts);
    expect(clean.code).toBe(0);
    expect(clean.stdout.toString()).toBe('');
    expect(clean.stderr).toContain('scanned 1 file (0.0 MB): 0 high-confidence, 0 low-confidence findings');
    const linked = await airlock(['dlp', 'scan', 'app/linked'], opts);
    expect(linked.code).toBe(1);
    expect(linked.stdout.toString()).toContain('app/linked/token.txt:1:1 github-token high');
  });

  it.each([
    [['dlp', 'scan'], 'needs at least one file or directory'],
    [['dlp', 'scan', 'no-such-dir'], 'cannot read no-such-dir (ENOENT)'],
    [['dlp', 'scan', '.', '--colour'], "Unknown option '--colour'"],
    [['dlp', 'sweep'], 'unknown dlp subcommand "sweep"'],
    [['dlp'], 'airlock dlp needs a subcommand'],
  ])('refuses %j with a usage error (64)', async (args, message) => {
    const run = await airlock(args, opts);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(message);
  });

  it('explains itself with --help', async () => {
    const run = await airlock(['dlp', '--help'], opts);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toContain('Usage: airlock dlp scan <path...> [--all] [--json]');
    expect(run.stdout.toString()).toContain('Examples:');
    expect((await airlock(['--help'], opts)).stdout.toString()).toContain('  dlp ');
  });
});
