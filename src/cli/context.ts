import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import type { PrestartedThread } from '../audit/index.js';
import type { Clock, Logger } from '../core/index.js';
import { createStreamLogger, systemClock } from '../core/index.js';
import type { DriverSet } from '../sandbox/index.js';
import { createDrivers } from '../sandbox/index.js';
import { prestartStoreThread } from './prestart.js';

/** Everything a command needs, built once from the process (the composition root). */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** AIRLOCK_HOME: all of Airlock's state. */
  home: string;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  logger: Logger;
  clock: Clock;
  drivers: DriverSet;
  /** Static helpers that run inside sandboxes (dist/native), and the scripts of airlock's own threads and processes. */
  helpers: { pty: string; bridge: string; auditWorker: string; relayHost: string };
  /** The audit store thread started early for a session (run, exec), once; later calls get undefined. */
  takeAuditThread(): PrestartedThread | undefined;
}

/** The org policy: AIRLOCK_HOME/policy.yaml (the built-in defaults when it is absent). */
export function orgPolicyFile(ctx: Pick<CliContext, 'home'>): string {
  return join(ctx.home, 'policy.yaml');
}

export function dockerSocketFrom(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST;
  if (host !== undefined && host.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

/**
 * `cliDir` is where the entry point (dist/cli/main.js) lives: the bundle is code-split, so
 * only the entry knows its own place; helpers are found from there, never from a chunk.
 */
export function createContext(proc: NodeJS.Process, cliDir: URL, options: { prestartAuditThread?: boolean } = {}): CliContext {
  const env = proc.env;
  const home = env.AIRLOCK_HOME ?? join(homedir(), '.airlock');
  const ptyHelper = fileURLToPath(new URL('../native/airlock-pty', cliDir));
  const bridge = fileURLToPath(new URL('../native/airlock-bridge', cliDir));
  const auditWorker = fileURLToPath(new URL('./audit-store-worker.js', cliDir));
  const relayHost = fileURLToPath(new URL('./relay-host.js', cliDir));
  let auditThread = options.prestartAuditThread === true ? prestartStoreThread(auditWorker) : undefined;
  return {
    env,
    cwd: proc.cwd(),
    home,
    stdin: proc.stdin,
    stdout: proc.stdout,
    stderr: proc.stderr,
    logger: createStreamLogger({ write: (l) => proc.stderr.write(l), verbose: env.AIRLOCK_DEBUG === '1' }),
    clock: systemClock,
    drivers: createDrivers({ dockerSocket: dockerSocketFrom(env), bwrapPath: env.AIRLOCK_BWRAP ?? 'bwrap', ptyHelper }),
    helpers: { pty: ptyHelper, bridge, auditWorker, relayHost },
    takeAuditThread() {
      const thread = auditThread;
      auditThread = undefined;
      return thread;
    },
  };
}
