import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './test-support.js';

// The built program, as the demo runs it.
const PROGRAM = resolve(import.meta.dirname, '../../dist/model-server.js');

let dir: string;
beforeAll(() => {
  if (!existsSync(PROGRAM)) throw new Error(`${PROGRAM} is missing: run npm run build`);
  dir = mkdtempSync(join(tmpdir(), 'airlock-model-server-main-'));
  writeFileSync(join(dir, 'ok.yaml'), '- say: from the program\n');
  writeFileSync(join(dir, 'bad.yaml'), 'steps:\n  - shout: hi\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dist/model-server.js', () => {
  it('prints {url, port} when listening, records to --record, and exits 0 on SIGTERM', async () => {
    const record = join(dir, 'record.jsonl');
    const child = spawn(process.execPath, [PROGRAM, '--scenario', join(dir, 'ok.yaml'), '--port', '0', '--record', record], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const line = await new Promise<string>((done) => createInterface({ input: child.stdout }).once('line', done));
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const answer = await post(`${url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { authorization: 'Bearer sk-main' });
    expect(JSON.parse(answer.text)).toMatchObject({ choices: [{ message: { content: 'from the program' } }] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({ path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-main' } });
  });

  it.each([
    ['a bad scenario (78, with the path)', ['--scenario', 'bad.yaml'], 78, /bad\.yaml:steps\.0: unknown key\(s\) "shout"/],
    ['a missing --scenario (64)', ['--port', '0'], 64, /--scenario is required/],
    ['an unknown flag (64)', ['--scenario', 'ok.yaml', '--verbose'], 64, /usage: model-server/],
    ['a bad port (64)', ['--scenario', 'ok.yaml', '--port', 'x'], 64, /--port needs a number/],
    ['an address it cannot bind (70)', ['--scenario', 'ok.yaml', '--host', '192.0.2.1'], 70, /cannot listen on 192\.0\.2\.1:0: .*choose another/],
  ])('refuses %s', (_name, args, code, message) => {
    const run = spawnSync(process.execPath, [PROGRAM, ...args], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
