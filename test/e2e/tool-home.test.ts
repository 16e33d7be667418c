import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DRIVERS, airlock, hostWriterUid, makeRepo, tempDir } from '../helpers.js';

const POLICY = `version: 1
tools:
  shell: { image: airlock/base:bookworm, entrypoint: [/bin/bash] }
  kept:
    image: airlock/base:bookworm
    entrypoint: [/bin/sh, -c]
    env: { KEPT_TOOL: "1" }
    files: { .kept/settings.json: '{"autoUpdate": false}' }
    persist: [.kept]
    updateHosts: [updates.kept.example]
    credential: { route: kept-api, apiKeyEnv: [KEPT_KEY], baseUrlEnv: [KEPT_URL] }
credentials:
  - name: kept-api
    hosts: [api.kept.example]
    inject: { header: authorization, prefix: "Bearer " }
    source: { env: KEPT_REAL_KEY }
    upstream: https://api.kept.example
`;

const SCRIPT = [
  'echo "count=$(cat ~/.kept/count 2>/dev/null || echo 0)"; echo "$(( $(cat ~/.kept/count 2>/dev/null || echo 0) + 1 ))" > ~/.kept/count',
  'echo "settings=$(cat ~/.kept/settings.json)"',
  'echo on > ~/.kept/settings.json 2>/dev/null && echo settings-writable || echo settings-read-only',
  'echo "key=$KEPT_KEY url=$KEPT_URL"',
  'curl -s -o /dev/null -w "update=%{http_connect}\\n" https://updates.kept.example/latest',
  'exit 0',
].join('; ');

describe.each(DRIVERS)('a tool\'s home on %s: its files, its kept directory, its route, its update hosts', (driver) => {
  const home = tempDir(`tool-home-${driver}`);
  const repo = makeRepo({ 'README.md': 'x\n' }, hostWriterUid(driver));
  writeFileSync(join(home.path, 'policy.yaml'), POLICY);
  const run = () => airlock(['run', '--driver', driver, 'kept', '--', SCRIPT], { home: home.path, cwd: repo.path, env: { KEPT_REAL_KEY: 'real-kept-secret' } });
  afterAll(() => {
    home.remove();
    repo.remove();
  });

  it('keeps the tool\'s directory between sessions, with its settings file read-only', async () => {
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const second = (await run()).stdout.toString();
    expect(first.stdout.toString()).toContain('count=0');
    expect(second).toContain('count=1');
    expect(second).toContain('settings={"autoUpdate": false}');
    expect(second).toContain('settings-read-only');
  });

  it('gives the tool its route\'s placeholder and base URL, and denies its update host', async () => {
    const out = (await run()).stdout.toString();
    expect(out).toMatch(/key=airlock-[A-Za-z0-9]{20,} url=http:\/\/127\.0\.0\.1:3128\/_airlock\/routes\/kept-api/);
    expect(out).not.toContain('real-kept-secret');
    expect(out).toContain('update=403');
  });

  it('gives another tool neither the route nor the secret\'s requirement', async () => {
    const r = await airlock(['run', '--driver', driver, 'shell', '--', '-c', 'echo "key=${KEPT_KEY:-none}"'], { home: home.path, cwd: repo.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toContain('key=none');
  });
});
