import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { airlock, tempDir } from '../helpers.js';

describe('airlock CLI basics', () => {
  const home = tempDir('cli');
  const base = { home: home.path };
  afterAll(() => home.remove());

  it('teaches with --help, for the tool and each command', async () => {
    const main = await airlock(['--help'], base);
    expect(main.code).toBe(0);
    for (const c of ['run', 'exec', 'policy', 'init', 'doctor', 'gc']) expect(main.stdout.toString()).toContain(`  ${c} `);
    const run = await airlock(['run', '--help'], base);
    expect(run.stdout.toString()).toContain('Usage: airlock run <tool>');
    expect(run.stdout.toString()).toContain('Examples:');
  });

  it('prints the effective built-in policy with no files, as YAML and as JSON', async () => {
    const text = await airlock(['policy', 'check'], base);
    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toContain('# from: <built-in defaults>');
    const json = await airlock(['policy', 'check', '--json'], base);
    const parsed = JSON.parse(json.stdout.toString()) as { ok: boolean; hash: string; policy: { sandbox: { uid: number } } };
    expect(parsed.ok).toBe(true);
    expect(parsed.policy.sandbox.uid).toBe(1000);
    expect(parsed.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('init writes the commented defaults once, and they check clean', async () => {
    const first = await airlock(['init'], base);
    expect(first.code).toBe(0);
    const file = join(home.path, 'policy.yaml');
    expect(readFileSync(file, 'utf8')).toContain('# Airlock org policy');
    const again = await airlock(['init'], base);
    expect(again.code).toBe(64);
    expect(again.stderr).toContain('already exists: edit it, or rerun with --force');
    const check = await airlock(['policy', 'check', '--json'], base);
    expect(JSON.parse(check.stdout.toString()).sources).toEqual(['<built-in defaults>', file]);
  });

  it('policy check --json lists every error and exits 78', async () => {
    const h = tempDir('cli-bad');
    try {
      await airlock(['init'], { home: h.path });
      const file = join(h.path, 'policy.yaml');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, 'version: 1\nlimits: { pids: 0, cpus: -1 }\n');
      const r = await airlock(['policy', 'check', '--json'], { home: h.path });
      expect(r.code).toBe(78);
      const out = JSON.parse(r.stdout.toString()) as { ok: boolean; errors: string[] };
      expect(out.ok).toBe(false);
      expect(out.errors).toHaveLength(2);
      expect(out.errors[0]).toMatch(new RegExp(`^${file}:limits\\.(pids|cpus): `));
    } finally {
      h.remove();
    }
  });

  it('doctor says which drivers work, as text and JSON', async () => {
    const text = await airlock(['doctor'], base);
    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toMatch(/^ok +docker /m);
    expect(text.stdout.toString()).toMatch(/^ok +bwrap /m);
    const json = JSON.parse((await airlock(['doctor', '--json'], base)).stdout.toString()) as { auto: string; drivers: { ok: boolean }[] };
    expect(json.auto).toBe('docker');
    expect(json.drivers.every((d) => d.ok)).toBe(true);
  });

  it('doctor explains a broken driver with its fix and still exits 0 when another works', async () => {
    const r = await airlock(['doctor', '--json'], { ...base, env: { AIRLOCK_BWRAP: '/nonexistent/bwrap' } });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout.toString()) as { drivers: { driver: string; ok: boolean; fix?: string }[] };
    expect(json.drivers.find((d) => d.driver === 'bwrap')).toMatchObject({ ok: false, fix: 'apt-get install bubblewrap (or run scripts/setup-host.sh)' });
  });

  it('ships JSON Schemas generated from the same zod schemas', () => {
    for (const f of ['policy.schema.json', 'repo-policy.schema.json']) {
      const schema = JSON.parse(readFileSync(join('schema', f), 'utf8')) as { additionalProperties?: boolean };
      expect(schema.additionalProperties).toBe(false);
    }
    expect(existsSync('schema/policy.schema.json')).toBe(true);
  });
});
