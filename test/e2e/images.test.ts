import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { airlock, makeRepo, tempDir } from '../helpers.js';

const POLICY = 'version: 1\nimages: { requireApproval: all }\n';

describe('approved images: a tool runs only from a digest in the signed catalog', () => {
  const home = tempDir('images');
  const repo = makeRepo();
  writeFileSync(join(home.path, 'policy.yaml'), POLICY);
  const run = (args: string[]) => airlock(args, { home: home.path, cwd: repo.path });
  afterAll(() => {
    home.remove();
    repo.remove();
  });

  it('refuses a tool whose image is not approved, naming the tool and how to approve it', async () => {
    const r = await run(['run', '--driver', 'docker', 'node', '--', '-e', 'console.log("ran")']);
    expect(r.code).toBe(77);
    expect(r.stdout.toString()).not.toContain('ran');
    expect(r.stderr).toContain('tool "node" may run only from an approved image');
    expect(r.stderr).toContain('airlock images approve node');
  });

  it('runs it once approved, from the approved digest, and lists and verifies the catalog', async () => {
    const approved = await run(['images', 'approve', 'node', '--json']);
    expect(approved.code).toBe(0);
    const entry = (JSON.parse(approved.stdout.toString()) as { approved: { digest: string; approvedBy: string } }).approved;
    expect(entry.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const r = await run(['run', '--driver', 'docker', 'node', '--', '-e', 'console.log("ran")']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('ran\n');
    const listed = JSON.parse((await run(['images', 'list', '--json'])).stdout.toString()) as { catalog: { ok: boolean }; tools: { tool: string; status: string }[] };
    expect(listed.catalog.ok).toBe(true);
    expect(listed.tools.find((t) => t.tool === 'node')?.status).toBe('approved');
    expect(listed.tools.find((t) => t.tool === 'shell')?.status).toBe('not-approved');
    expect((await run(['images', 'verify'])).code).toBe(0);
    const drift = JSON.parse((await run(['images', 'drift', '--json'])).stdout.toString()) as { rows: { tool: string; kind: string; sessions: number }[] };
    expect(drift.rows.find((d) => d.tool === 'node')).toMatchObject({ kind: 'current', sessions: 1 });
  });

  it('refuses on bwrap a tool that would run the host\'s own files instead of its image', async () => {
    const r = await run(['run', '--driver', 'bwrap', 'node', '--', '-e', '1']);
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('on bwrap it would run this host\'s own files');
  });

  it('finds a catalog edited after signing: verify exits 65 and nothing runs', async () => {
    const file = join(home.path, 'images', 'catalog.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"tool": "node"', '"tool": "shell"'));
    const verify = await run(['images', 'verify', '--json']);
    expect(verify.code).toBe(65);
    expect(JSON.parse(verify.stdout.toString())).toMatchObject({ ok: false, reason: expect.stringContaining('changed after it was signed') });
    const r = await run(['run', '--driver', 'docker', 'shell', '--', '-c', 'echo ran']);
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('the catalog cannot be trusted');
    expect((await run(['images', 'approve', 'node'])).code).toBe(65);
  });

  it('revokes an approval, after which the tool is refused again; both changes are in the audit log', async () => {
    writeFileSync(join(home.path, 'images', 'catalog.json'), '');
    const fresh = tempDir('images-revoke');
    writeFileSync(join(fresh.path, 'policy.yaml'), POLICY);
    const inFresh = (args: string[]) => airlock(args, { home: fresh.path, cwd: repo.path });
    try {
      expect((await inFresh(['images', 'approve', 'node'])).code).toBe(0);
      expect((await inFresh(['run', '--driver', 'docker', 'node', '--', '-e', '1'])).code).toBe(0);
      expect((await inFresh(['images', 'revoke', 'node'])).code).toBe(0);
      expect((await inFresh(['run', '--driver', 'docker', 'node', '--', '-e', '1'])).code).toBe(77);
      // What ran is no longer approved: drift shows it as a shadow version.
      const drift = JSON.parse((await inFresh(['images', 'drift', '--json'])).stdout.toString()) as { rows: { tool: string; kind: string; sessions: number }[] };
      expect(drift.rows.find((d) => d.tool === 'node')).toMatchObject({ kind: 'ran-unapproved', sessions: 1 });
      const changes = JSON.parse((await inFresh(['audit', 'query', '--type', 'catalog.approved', '--type', 'catalog.revoked', '--json'])).stdout.toString()) as { event: Record<string, unknown> }[];
      expect(changes.map((c) => c.event.type)).toEqual(['catalog.approved', 'catalog.revoked']);
      expect(changes[0]!.event).toMatchObject({ classUid: 6003, tool: { name: 'node', digest: expect.stringMatching(/^sha256:/) }, actor: { verified: false } });
      expect((await inFresh(['audit', 'verify'])).code).toBe(0);
    } finally {
      fresh.remove();
    }
  });

  it('trusts only the organisation\'s key when the policy names it: approve needs --key, and a local signature is refused', async () => {
    const org = tempDir('images-org');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(org.path, 'org.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(org.path, 'org.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(org.path, 'policy.yaml'), `version: 1\nimages: { requireApproval: all, publicKeyFile: ${join(org.path, 'org.pub.pem')} }\n`);
    const inOrg = (args: string[]) => airlock(args, { home: org.path, cwd: repo.path });
    try {
      const unsigned = await inOrg(['images', 'approve', 'node']);
      expect(unsigned.code).toBe(64);
      expect(unsigned.stderr).toContain('approve with --key');
      expect((await inOrg(['images', 'approve', 'node', '--key', join(org.path, 'org.pem')])).code).toBe(0);
      expect((await inOrg(['run', '--driver', 'docker', 'node', '--', '-e', '1'])).code).toBe(0);
      const verify = JSON.parse((await inOrg(['images', 'verify', '--json'])).stdout.toString()) as { ok: boolean; keySource: string };
      expect(verify).toMatchObject({ ok: true, keySource: join(org.path, 'org.pub.pem') });
    } finally {
      org.remove();
    }
  });
});
