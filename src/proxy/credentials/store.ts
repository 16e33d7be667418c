import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../core/index.js';
import { AirlockError, Secret } from '../../core/index.js';
import type { CredentialRoute, CredentialSource } from '../../policy/index.js';

/** Real secrets, held only in airlock's own process. */
export interface CredentialStore {
  get(route: CredentialRoute): Promise<Secret>;
}

export interface CredentialStoreOptions {
  /** airlock's own environment (never the sandbox's). */
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
}

const COMMAND_TIMEOUT_MS = 30_000;

function runCommand(argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0] ?? '', argv.slice(1), { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });
}

/**
 * Reads a secret from a credential source (env, file or command) in airlock's own
 * process; `where` names its use for messages (never the value). Trimmed; an empty value
 * is AirlockError 'CONFIG_INVALID', as is a source that cannot be read.
 */
export async function readCredentialSource(where: string, source: CredentialSource, env: CredentialStoreOptions['env']): Promise<Secret> {
  const value = (await readSource(where, source, env)).trim();
  if (value === '') throw new AirlockError('CONFIG_INVALID', `${where}: its source gave an empty secret`);
  return new Secret(value);
}

async function readSource(where: string, source: CredentialSource, env: CredentialStoreOptions['env']): Promise<string> {
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value === '') throw new AirlockError('CONFIG_INVALID', `${where}: the environment variable ${source.env} is not set in airlock's environment; export it before running airlock`);
    return value;
  }
  if ('file' in source) {
    try {
      return await readFile(source.file, 'utf8');
    } catch (error) {
      throw new AirlockError('CONFIG_INVALID', `${where}: cannot read ${source.file} (${(error as NodeJS.ErrnoException).code})`, { cause: error });
    }
  }
  try {
    return await runCommand(source.command);
  } catch (error) {
    throw new AirlockError('CONFIG_INVALID', `${where}: the command ${source.command[0]} failed: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/** Reads each route's secret from its source; command output is cached for its TTL. */
export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const cache = new Map<string, { secret: Secret; expiresMs: number }>();
  return {
    async get(route) {
      const hit = cache.get(route.name);
      if (hit !== undefined && hit.expiresMs > options.clock.nowMs()) return hit.secret;
      const secret = await readCredentialSource(`credential route ${route.name}`, route.source, options.env);
      const ttlMs = 'command' in route.source ? route.source.ttlSeconds * 1000 : Number.POSITIVE_INFINITY;
      cache.set(route.name, { secret, expiresMs: options.clock.nowMs() + ttlMs });
      return secret;
    },
  };
}
