import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, airlock, hostWriterUid, makeGitRepo, sessionEvents, tempDir } from '../helpers.js';
import type { AirlockRun } from '../helpers.js';
import { sessionIdFrom } from '../leftovers.js';
import { CHARGE, UTIL } from '../fixtures/code-samples.js';
import { startHttpUpstream } from '../upstreams.js';
import type { Upstream } from '../upstreams.js';


/** Two prompts, as an agent would send them: one quoting src/util.ts, one quoting payments/charge.ts. */
function script(port: number): string {
  const post = (file: string, name: string) => [
    `node -e 'const fs=require("fs");fs.writeFileSync("/tmp/${name}.json",JSON.stringify({messages:[{role:"user",content:"review this:\\n"+fs.readFileSync("/workspace/${file}","utf8")}]}))'`,
    `echo "${name}=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' --data-binary @/tmp/${name}.json http://code.test:${port}/v1/messages)"`,
  ];
  return [...post('src/util.ts', 'util'), ...post('payments/charge.ts', 'payments'), 'exit 0'].join('; ');
}

describe.each(DRIVERS)('the code-egress map on %s', (driver) => {
  const home = tempDir(`code-egress-${driver}`);
  const repo = makeGitRepo({ 'README.md': '# shop\n', 'src/util.ts': UTIL, 'payments/charge.ts': CHARGE }, hostWriterUid(driver));
  let upstream: Upstream;
  let run: AirlockRun;
  let events: Record<string, unknown>[] = [];

  beforeAll(async () => {
    upstream = await startHttpUpstream();
    writeFileSync(join(home.path, 'policy.yaml'), `version: 1
egress:
  allow: [{ host: code.test, ports: [${upstream.port}] }]
  resolve: { code.test: 127.0.0.1 }
workspace: { forbidEgress: ['payments/**'] }
`);
    run = await airlock(['exec', '--driver', driver, '--', 'sh', '-c', script(upstream.port)], { home: home.path, cwd: repo.path });
    events = await sessionEvents(home.path, sessionIdFrom(run.stderr));
  }, 120_000);
  afterAll(async () => {
    await upstream.close();
    home.remove();
    repo.remove();
  });

  it('lets a prompt quoting an ordinary file through, and names the file and how much of it left', () => {
    expect(run.stdout.toString(), run.stderr).toContain('util=200');
    const code = events.find((e) => e.type === 'code.egress');
    expect(code).toMatchObject({ host: 'code.test', files: [{ path: 'src/util.ts', fraction: expect.any(Number) }] });
    expect(((code?.files as { fraction: number }[])[0]!).fraction).toBeGreaterThan(0.9);
  });

  it('refuses a prompt quoting a file workspace.forbidEgress names, before it reaches the upstream', () => {
    expect(run.stdout.toString()).toContain('payments=403');
    expect(events.find((e) => e.type === 'net.request.denied' && e.code === 'EGRESS_CODE_FORBIDDEN')).toMatchObject({ rule: 'workspace.forbidEgress', host: 'code.test' });
    expect(upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('puts the map in the session record, and airlock sessions show prints it', async () => {
    expect(events.find((e) => e.type === 'session.ended')?.codeEgress).toEqual({ 'code.test': [{ path: 'src/util.ts', fraction: expect.any(Number) }] });
    const shown = (await airlock(['sessions', 'show', sessionIdFrom(run.stderr)], { home: home.path })).stdout.toString();
    expect(shown).toMatch(/code out +to code\.test: 1 file\n +\d+% src\/util\.ts/);
  });
});
