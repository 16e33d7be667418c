// Runs the REAL agent CLIs (Claude Code, Codex, OpenCode, Gemini CLI) on the host, each
// in a fresh HOME and a fresh git repository, against the scripted model server on
// loopback, and checks that they carried out the scenario: a file written, a shell
// command run, the final answer printed, and the test key sent in the provider's header.
// The CLIs are installed from the npm registry once into AGENT_CACHE (outside the repo).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessResult } from './agent-process.js';
import { ensureInstalled, runProcess } from './agent-process.js';
import type { AgentSpec } from './agent-specs.js';
import { AGENTS } from './agent-specs.js';
import type { ModelServerHandle } from './index.js';
import { openModelServer, parseScenario } from './index.js';

const AGENT_CACHE = '/var/tmp/airlock-agent-cache';
const INSTALL_TIMEOUT_MS = 8 * 60_000;
const RUN_TIMEOUT_MS = 60_000;
/** The agent's deadline plus the repository, HOME and server around it. */
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 30_000;
const HELLO = 'Hello from the scripted model.\nSecond line: "quotes" and \'apostrophes\' ✓\n';
const FINAL = 'Scripted run complete: hello.txt written and the command ran.';
const PROMPT = 'Create hello.txt, then record the answer to six times seven in shell-out.txt.';

/** PATH, HOME and locale only: nothing of the host's environment (no real API keys) leaks in. */
function baseEnv(home: string): Record<string, string> {
  const path = [dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
  return { PATH: path, HOME: home, LANG: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1' };
}

/** For npm alone: the host's npm settings and proxy variables, wherever the registry is reached through. */
function installEnv(): Record<string, string> {
  const passed = Object.entries(process.env).filter(([name]) => /^(npm_config_|NPM_CONFIG_)|^(https?|no)_proxy$/i.test(name));
  const values = Object.fromEntries(passed.filter((e): e is [string, string] => e[1] !== undefined));
  return { ...baseEnv(process.env.HOME ?? '/root'), npm_config_update_notifier: 'false', ...values };
}

function scenarioFor(repo: string) {
  const steps = [{ write: { path: 'hello.txt', content: HELLO } }, { shell: { command: 'echo scripted-$((6*7)) > shell-out.txt' } }, { say: FINAL }];
  return parseScenario(JSON.stringify({ workdir: repo, steps }), 'real-agents scenario');
}

function describeRun(run: ProcessResult): string {
  return `exit ${String(run.code)}${run.timedOut ? ' (timed out)' : ''}\n--- stdout ---\n${run.stdout.slice(-3000)}\n--- stderr ---\n${run.stderr.slice(-3000)}`;
}

const bins = new Map<string, string>();
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  for (const agent of AGENTS) {
    const { name, pkg, version, bin: program, installScripts } = agent;
    const bin = await ensureInstalled({ cacheRoot: AGENT_CACHE, name, pkg, version, bin: program, installScripts, env: installEnv(), timeoutMs: INSTALL_TIMEOUT_MS });
    bins.set(agent.name, bin);
  }
}, AGENTS.length * INSTALL_TIMEOUT_MS);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function runAgent(agent: AgentSpec, key: string): Promise<{ run: ProcessResult; repo: string; server: ModelServerHandle }> {
  const home = mkdtempSync(join(tmpdir(), `airlock-agent-home-${agent.name}-`));
  const repo = mkdtempSync(join(tmpdir(), `airlock-agent-repo-${agent.name}-`));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }), () => rmSync(repo, { recursive: true, force: true }));
  execFileSync('git', ['init', '-q', repo]);
  const server = await openModelServer({ scenario: scenarioFor(repo) });
  cleanups.push(() => server.close());
  const bin = bins.get(agent.name) ?? '';
  const launch = agent.prepare({ home, repo, serverUrl: server.url, key, prompt: PROMPT, bin });
  const run = await runProcess(launch.argv, { cwd: repo, env: { ...baseEnv(home), ...launch.env }, timeoutMs: RUN_TIMEOUT_MS });
  return { run, repo, server };
}

describe.each(AGENTS.map((a) => [a.name, a] as const))('%s against the scripted model server', (name, agent) => {
  it(`${name} writes the file, runs the command, prints the final answer and sends the key in its header`, async () => {
    const key = `sk-airlock-test-${name}-${Date.now()}`;
    const { run, repo, server } = await runAgent(agent, key);
    const details = describeRun(run);
    expect(run.code, details).toBe(0);
    expect(run.stdout, details).toContain(FINAL);
    expect(existsSync(join(repo, 'hello.txt')), details).toBe(true);
    expect(readFileSync(join(repo, 'hello.txt'), 'utf8')).toBe(HELLO);
    expect(readFileSync(join(repo, 'shell-out.txt'), 'utf8').trim()).toBe('scripted-42');

    const requests = server.requests();
    // Every request found an endpoint, except OpenCode's background npm look-up (see agent-specs.ts).
    expect(requests.filter((r) => r.route === 'not-found' && !r.path.startsWith('/_npm/')).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const turns = requests.filter((r) => r.route.endsWith(':turn'));
    // At least the three scenario turns; side requests (titles, routing) may come on top.
    expect(turns.length, JSON.stringify(requests.map((r) => [r.method, r.path, r.route]))).toBeGreaterThanOrEqual(3);
    for (const request of turns) expect(request.headers[agent.keyHeader]).toBe(agent.keyValue(key));
  }, TEST_TIMEOUT_MS);
});
