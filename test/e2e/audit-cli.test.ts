import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, airlock, hostWriterUid, makeRepo, tempDir } from '../helpers.js';

/** The audit and sessions commands as a person types them, right and wrong. */
describe('audit and sessions CLI', () => {
  const home = tempDir('audit-cli');
  const repo = makeRepo({ 'README.md': 'x\n' }, process.getuid?.() ?? 0);
  const opts = { home: home.path, cwd: repo.path };
  let ids: string[] = [];

  beforeAll(async () => {
    for (const code of [0, 5]) {
      const r = await airlock(['exec', '--driver', 'bwrap', '--', 'sh', '-c', `exit ${code}`], { ...opts, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(code);
    }
    ids = (JSON.parse((await airlock(['sessions', 'list', '--json'], opts)).stdout.toString()) as { sessionId: string }[]).map((s) => s.sessionId);
  }, 120_000);
  afterAll(() => {
    home.remove();
    repo.remove();
  });

  it('lists sessions newest first with their exit codes, as a table and as JSON', async () => {
    expect(ids).toHaveLength(2);
    const table = (await airlock(['sessions', 'list'], opts)).stdout.toString().split('\n');
    expect(table[0]).toMatch(/^SESSION\s+STARTED\s+USER\s+TOOL\s+DRIVER\s+EXIT/);
    expect(table[1]).toMatch(new RegExp(`^${ids[0]}.*bwrap\\s+5\\s`));
    expect(table[2]).toMatch(new RegExp(`^${ids[1]}.*bwrap\\s+0\\s`));
    const limited = JSON.parse((await airlock(['sessions', 'list', '--limit', '1', '--json'], opts)).stdout.toString()) as { sessionId: string }[];
    expect(limited.map((s) => s.sessionId)).toEqual([ids[0]]);
  });

  it('tails and queries the log', async () => {
    const tail = (await airlock(['audit', 'tail', '-n', '3'], opts)).stdout.toString().trim().split('\n');
    expect(tail).toHaveLength(3);
    expect(tail[2]).toMatch(/session\.ended\s+exit 5 \(exit\)$/);
    const q = JSON.parse((await airlock(['audit', 'query', '--type', 'session.ended', '--since', '1h', '--json'], opts)).stdout.toString()) as { event: { exitCode: number } }[];
    expect(q.map((r) => r.event.exitCode)).toEqual([0, 5]);
    const none = await airlock(['audit', 'query', '--user', 'nobody-at-all'], opts);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('no events match');
  });

  it('exports JSONL with the chain, and OCSF', async () => {
    const jsonl = (await airlock(['audit', 'export'], opts)).stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { seq: number; prevHash: string; hash: string });
    expect(jsonl.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(jsonl[1]?.prevHash).toBe(jsonl[0]?.hash);
    const ocsf = (await airlock(['audit', 'export', '--format', 'ocsf'], opts)).stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { class_uid: number; activity_id: number });
    expect(ocsf.map((e) => `${e.class_uid}/${e.activity_id}`)).toEqual(['1007/1', '1007/2', '1007/1', '1007/2']);
  });

  it('exports the public key, and verifies with it', async () => {
    const key = await airlock(['audit', 'export-key'], opts);
    expect(key.stdout.toString()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    writeFileSync(join(home.path, 'pub.pem'), key.stdout);
    const v = await airlock(['audit', 'verify', '--key', join(home.path, 'pub.pem')], opts);
    expect(v.code).toBe(0);
    expect(v.stdout.toString()).toMatch(/ok, 4 records, 2 signed checkpoints/);
  });

  it.each([
    [['sessions'], 64, /airlock sessions needs a subcommand: list, show or diff/],
    [['sessions', 'show'], 64, /usage: airlock sessions show <session-id>/],
    [['sessions', 'show', '01aaaaaaaaaaaaaaaaaaaaaaaa'], 66, /no session 01aaaaaaaaaaaaaaaaaaaaaaaa in the audit log .*airlock sessions list/],
    [['audit'], 64, /airlock audit needs a subcommand: verify, tail, query, export, export-key or ship/],
    [['audit', 'query', '--since', 'yesterday'], 64, /--since "yesterday" is not a time: use an ISO 8601 date/],
    [['audit', 'query', '--decision', 'maybe'], 64, /--decision "maybe": use allowed or denied/],
    [['audit', 'export', '--format', 'csv'], 64, /--format "csv": use jsonl .* or ocsf/],
    [['audit', 'verify', '--key', '/nonexistent.pem'], 64, /cannot read the public key \/nonexistent\.pem \(ENOENT\)/],
    [['audit', 'tail', '--bogus'], 64, /Unknown option '--bogus' \(see airlock audit tail --help\)/],
  ])('airlock %j: exit %i and one clear line', async (args, code, message) => {
    const r = await airlock(args, opts);
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split('\n').pop()).toMatch(message);
  });

  it.each(DRIVERS)('a store that cannot be opened: fail closed never starts the sandbox (%s), fail open runs it', async (driver) => {
    const h = tempDir('audit-unopenable');
    const own = makeRepo({ 'README.md': 'x\n' }, hostWriterUid(driver));
    try {
      const cmd = ['exec', '--driver', driver, '--', 'sh', '-c', `touch /workspace/ran-${driver}; exit 3`];
      writeFileSync(join(h.path, 'policy.yaml'), 'version: 1\naudit:\n  store: { kind: sqlite, path: /dev/null/audit.db }\n');
      const closed = await airlock(cmd, { home: h.path, cwd: own.path, timeoutMs: 60_000 });
      expect(closed.code).toBe(74);
      expect(closed.stderr.trim().split('\n').pop()).toMatch(/^airlock: error: cannot open the audit store \/dev\/null\/audit\.db/);
      expect(existsSync(join(own.path, `ran-${driver}`))).toBe(false);
      writeFileSync(join(h.path, 'policy.yaml'), 'version: 1\naudit:\n  store: { kind: sqlite, path: /dev/null/audit.db }\n  failMode: open\n');
      const open = await airlock(cmd, { home: h.path, cwd: own.path, timeoutMs: 60_000 });
      expect(open.code).toBe(3);
      expect(existsSync(join(own.path, `ran-${driver}`))).toBe(true);
      expect(open.stderr).toMatch(/events of session \S+ could not be written to \/dev\/null\/audit\.db/);
    } finally {
      h.remove();
      own.remove();
    }
  }, 120_000);

  it('verify refuses a private key handed over as the public one', async () => {
    writeFileSync(join(home.path, 'wrong.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    const r = await airlock(['audit', 'verify', '--key', join(home.path, 'wrong.pem')], opts);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/not a public key \(never hand out the private signing key\)/);
  });
});
