import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, airlock, hostWriterUid, makeGitRepo, sessionEvents, tempDir } from '../helpers.js';
import type { AirlockRun } from '../helpers.js';
import { sessionIdFrom } from '../leftovers.js';

const SECRET = `secret-${randomBytes(16).toString('hex')}`;
const PROBE = [
  'echo "env-bytes=$(wc -c < .env)"',
  'echo "pem-bytes=$(wc -c < certs/server.pem)"',
  'echo "aws-entries=$(ls -A .aws | wc -l)"',
  'echo x >> .git/hooks/pre-commit 2>/dev/null && echo hooks-writable || echo hooks-read-only',
  'echo x >> .git/config 2>/dev/null && echo gitconfig-writable || echo gitconfig-read-only',
  'echo x >> CLAUDE.md 2>/dev/null && echo claude-writable || echo claude-read-only',
  'echo x > .github/workflows/evil.yml 2>/dev/null && echo workflows-writable || echo workflows-read-only',
  'echo x >> docs/AGENTS.md 2>/dev/null && echo agents-writable || echo agents-read-only',
  'echo x >> README.md && echo readme-writable',
  'echo "=== dump"', 'cat .env certs/server.pem .aws/* 2>/dev/null; tar -cf - . 2>/dev/null', 'exit 0',
].join('; ');

describe.each(DRIVERS)('masked and protected paths on %s', (driver) => {
  const home = tempDir(`workspace-${driver}`);
  const repo = makeGitRepo({
    'README.md': '# app\n', '.env': `TOKEN=${SECRET}\n`, 'certs/server.pem': `-----BEGIN PRIVATE KEY-----\n${SECRET}\n`,
    '.aws/credentials': `aws_secret_access_key=${SECRET}\n`, 'CLAUDE.md': 'be careful\n', '.github/workflows/ci.yml': 'on: push\n',
    'docs/AGENTS.md': 'agents\n',
  }, hostWriterUid(driver));
  let run: AirlockRun;
  let text = '';
  beforeAll(async () => {
    writeFileSync(join(home.path, 'policy.yaml'), 'version: 1\nworkspace: { writable: [docs/AGENTS.md] }\n');
    run = await airlock(['exec', '--driver', driver, '--', 'sh', '-c', PROBE], { home: home.path, cwd: repo.path });
    const all = run.stdout.toString('latin1');
    text = all.slice(0, all.indexOf('=== dump'));
  }, 120_000);
  afterAll(() => {
    home.remove();
    repo.remove();
  });

  it('shows masked files and directories empty inside, and their bytes nowhere', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(text).toContain('env-bytes=0');
    expect(text).toContain('pem-bytes=0');
    expect(text).toContain('aws-entries=0');
    expect(run.stdout.includes(Buffer.from(SECRET))).toBe(false);
  });

  it('keeps control files read-only: hooks, git config, CI workflows, agent instructions', () => {
    for (const what of ['hooks', 'gitconfig', 'claude', 'workflows']) expect(text).toContain(`${what}-read-only`);
    expect(readFileSync(join(repo.path, 'CLAUDE.md'), 'utf8')).toBe('be careful\n');
  });

  it('lets the agent change what policy makes writable, and the rest of the repository', () => {
    expect(text).toContain('agents-writable');
    expect(text).toContain('readme-writable');
  });

  it('leaves the host files as they were', () => {
    expect(readFileSync(join(repo.path, '.env'), 'utf8')).toBe(`TOKEN=${SECRET}\n`);
  });

  it('flags a change to a protected path that policy let through in the session record', async () => {
    const events = await sessionEvents(home.path, sessionIdFrom(run.stderr));
    const ended = events.find((e) => e.type === 'session.ended');
    expect(ended?.controlFilesChanged).toEqual([{ path: 'docs/AGENTS.md', pattern: 'AGENTS.md', change: 'modified' }]);
    const shown = await airlock(['sessions', 'show', sessionIdFrom(run.stderr)], { home: home.path });
    expect(shown.stdout.toString()).toContain('control   modified docs/AGENTS.md (protected by AGENTS.md; workspace.writable let it through)');
  });

  it('lists what would be masked and protected with airlock policy check', async () => {
    const r = await airlock(['policy', 'check', '--repo', repo.path, '--json'], { home: home.path });
    const paths = (JSON.parse(r.stdout.toString()) as { paths: { masked: { path: string }[]; protected: { path: string }[] } }).paths;
    expect(paths.masked.map((p) => p.path)).toEqual(['.aws', '.env', 'certs/server.pem']);
    expect(paths.protected.map((p) => p.path)).toEqual(['CLAUDE.md', '.git/config', '.git/hooks', '.github/workflows']);
  });
});
