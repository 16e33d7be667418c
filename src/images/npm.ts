import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { AirlockError } from '../core/index.js';
import type { NpmPaths } from './paths.js';

/**
 * The only variables npm sees from the builder's environment: how to find programs and
 * how to reach the registry. Never HOME, npm_config_* or any token variable, so the
 * user's ~/.npmrc, its `${NPM_TOKEN}` references and npm_config__authToken stay out.
 */
const PASSED_VARIABLES = [
  'PATH', 'LANG', 'TMPDIR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS',
];

const NPMRC = `# Written by airlock images build: npm reads this instead of the user's ~/.npmrc.
# Nothing here may hold a credential; the machine-wide npmrc (registry, cafile) still applies.
fund=false
audit=false
update-notifier=false
`;

/** The longest an npm run of a build may take (the install scripts' container too). */
export const NPM_TIMEOUT_MS = 15 * 60_000;
const TAIL_LINES = 15;

export function npmEnv(hostEnv: NodeJS.ProcessEnv, paths: NpmPaths): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_VARIABLES) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, HOME: paths.home, npm_config_userconfig: paths.userconfig, npm_config_cache: paths.cache };
}

/** The flags every npm call gets: airlock's own config and cache, no noise. */
export function npmFlags(paths: NpmPaths): string[] {
  return ['--userconfig', paths.userconfig, '--cache', paths.cache, '--no-audit', '--no-fund', '--no-update-notifier'];
}

/** Creates airlock's npm home, cache and userconfig (rewritten every time: it holds no state). */
export async function prepareNpm(paths: NpmPaths): Promise<void> {
  await mkdir(paths.cache, { recursive: true, mode: 0o700 });
  await mkdir(paths.home, { recursive: true, mode: 0o700 });
  await writeFile(paths.userconfig, NPMRC, { mode: 0o600 });
}

export interface NpmCall {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** What the call is for, e.g. "resolving @google/gemini-cli@0.61.0". */
  doing: string;
  signal?: AbortSignal;
}

/** Runs npm (argv, no shell); a failure is IMAGE_BUILD_FAILED with npm's last lines. */
export function runNpm(call: NpmCall): Promise<void> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    const child = spawn(call.command, call.args, {
      cwd: call.cwd, env: call.env, stdio: ['ignore', 'pipe', 'pipe'], signal: call.signal, timeout: NPM_TIMEOUT_MS,
    });
    const keep = (b: Buffer) => output.push(b.toString());
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => reject(npmFailed(call, error.code === 'ENOENT' ? `${call.command} is not on PATH` : error.message, output, error)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(npmFailed(call, signal === null ? `npm exited with ${code}` : `npm was stopped (${signal})`, output));
    });
  });
}

function npmFailed(call: NpmCall, why: string, output: string[], cause?: unknown): AirlockError {
  return new AirlockError('IMAGE_BUILD_FAILED', `npm failed ${call.doing}: ${why}; npm said:`, { cause, details: npmExcerpt(output.join('')) });
}

/**
 * What to show of npm's output: all of it when short; else from npm's first error line
 * (its message; a usage error appends the whole usage text) and the last lines (the log).
 */
export function npmExcerpt(output: string): string[] {
  const lines = output.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '' && !/^npm (error|ERR!)$/.test(l));
  if (lines.length <= TAIL_LINES) return lines;
  const first = lines.findIndex((l) => /^npm (error|ERR!) /.test(l));
  if (first === -1 || first >= lines.length - TAIL_LINES) return lines.slice(-TAIL_LINES);
  return [...lines.slice(first, first + TAIL_LINES - 3), '...', ...lines.slice(-2)];
}
