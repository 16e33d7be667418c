import { describe, expect, it } from 'vitest';
import { compilePathPattern } from './path-glob.js';

describe('repository path patterns', () => {
  it.each([
    ['.env*', '.env', false, true],
    ['.env*', 'services/api/.env.production', false, true],
    ['.env*', 'docs/env.md', false, false],
    ['.env*', 'src/.environment-notes/x', false, false],
    ['*.pem', 'certs/server.pem', false, true],
    ['*.pem', 'certs/server.pem.txt', false, false],
    ['id_rsa*', 'deploy/id_rsa.pub', false, true],
    ['id_rsa*', 'deploy/my_id_rsa', false, false],
    ['.ssh/', '.ssh', true, true],
    ['.ssh/', 'home/.ssh', true, true],
    ['.ssh/', '.ssh', false, false],
    ['.git/hooks/', '.git/hooks', true, true],
    ['.git/hooks/', 'vendor/.git/hooks', true, false],
    ['.git/config', '.git/config', false, true],
    ['.git/config', 'sub/.git/config', false, false],
    ['.github/workflows/', '.github/workflows', true, true],
    ['payments/**', 'payments/api/charge.ts', false, true],
    ['payments/**', 'src/payments/api.ts', false, false],
    ['**/secrets/*.json', 'a/b/secrets/x.json', false, true],
    ['**/secrets/*.json', 'secrets/x.json', false, true],
    ['**/secrets/*.json', 'secrets/y/x.json', false, false],
    ['CLAUDE.md', 'CLAUDE.md', false, true],
    ['CLAUDE.md', 'docs/CLAUDE.md', false, true],
    ['/CLAUDE.md', 'docs/CLAUDE.md', false, false],
    ['*.tfstate', 'infra/terraform.tfstate', false, true],
    ['*.tfstate', 'infra/terraform.tfstate.backup', false, false],
  ])('%s on %s (dir %s): %s', (pattern, path, isDir, expected) => {
    expect(compilePathPattern(pattern).matches(path, isDir)).toBe(expected);
  });
});
