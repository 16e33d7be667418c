import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findControlledPaths } from './find-paths.js';

describe('finding the masked and protected paths of a repository', () => {
  const repo = mkdtempSync(join(tmpdir(), 'airlock-paths-'));
  const files = [
    '.env', 'api/.env.local', 'README.md', 'certs/server.pem', '.aws/credentials', 'CLAUDE.md', 'docs/AGENTS.md',
    '.github/workflows/ci.yml', '.github/CODEOWNERS', '.git/config', '.git/hooks/pre-commit', '.git/objects/ab/cdef',
    'node_modules/pkg/test/key.pem', 'src/index.ts', '.claude/settings.json',
  ];
  for (const f of files) {
    mkdirSync(join(repo, dirname(f)), { recursive: true });
    writeFileSync(join(repo, f), 'x');
  }
  symlinkSync('/etc/passwd', join(repo, '.env.link'));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const rules = {
    masked: ['.env*', '*.pem', '.aws/'],
    protected: ['.git/hooks/', '.git/config', '.github/workflows/', 'CLAUDE.md', 'AGENTS.md', '.claude/'],
    writable: ['docs/AGENTS.md'],
  };

  it('masks files at any depth, ignored or not, and whole directories without entering them', async () => {
    const found = await findControlledPaths(repo, rules);
    expect(found.masked.map((m) => `${m.kind} ${m.path}`)).toEqual(['dir .aws', 'file .env', 'file api/.env.local', 'file certs/server.pem', 'file node_modules/pkg/test/key.pem']);
  });

  it('protects control files and directories, except the writable ones, and never walks .git\'s objects', async () => {
    const found = await findControlledPaths(repo, rules);
    expect(found.protected.map((m) => `${m.kind} ${m.path}`)).toEqual(['dir .claude', 'file CLAUDE.md', 'file .git/config', 'dir .git/hooks', 'dir .github/workflows']);
  });

  it('refuses patterns so broad they would need thousands of mounts', async () => {
    const wide = mkdtempSync(join(tmpdir(), 'airlock-paths-wide-'));
    try {
      for (let i = 0; i < 2100; i += 1) writeFileSync(join(wide, `f${i}.pem`), 'x');
      await expect(findControlledPaths(wide, { masked: ['*.pem'], protected: [], writable: [] })).rejects.toMatchObject({ code: 'POLICY_INVALID' });
    } finally {
      rmSync(wide, { recursive: true, force: true });
    }
  });
});
