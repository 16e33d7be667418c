import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/** Debian's PostgreSQL 15 (package postgresql-15). */
export const PG_BIN = '/usr/lib/postgresql/15/bin';
/** The password-authenticated role the stores under test connect as. */
export const PG_ROLE = 'airlock';
const COMMAND_TIMEOUT_MS = 60_000;

const run = promisify(execFile);

/** A private PostgreSQL cluster: TCP on 127.0.0.1 with passwords, a trusted unix socket for the harness. */
export interface PostgresCluster {
  readonly port: number;
  /** PG_ROLE's password. */
  readonly password: string;
  /** postgres://airlock:<password>@127.0.0.1:<port>/<name> */
  url(name: string): string;
  /** Creates an empty database owned by PG_ROLE. */
  createDatabase(name: string): Promise<void>;
  /** Makes a database refuse new connections and ends those open on it, as an outage would. */
  cutOff(name: string): Promise<void>;
  /** Stops the server and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** An unused TCP port on 127.0.0.1 (nothing listens on it once this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a fresh cluster in a temp directory, with fsync on as in production. Root cannot
 * run postgres, so as root every server command runs as the OS user postgres. Call stop()
 * in afterAll: it runs even when tests fail.
 */
export async function startPostgres(): Promise<PostgresCluster> {
  try {
    await access(join(PG_BIN, 'initdb'), constants.X_OK);
  } catch {
    throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}/initdb is missing): run ./scripts/setup-host.sh`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'airlock-test-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const server = async (tool: string, args: string[]): Promise<void> => {
    const argv = asRoot ? ['runuser', '-u', 'postgres', '--', join(PG_BIN, tool), ...args] : [join(PG_BIN, tool), ...args];
    await run(argv[0] as string, argv.slice(1), { cwd: dir, timeout: COMMAND_TIMEOUT_MS });
  };
  let started = false;
  let admin: pg.Client | undefined;
  const stop = async (): Promise<void> => {
    await admin?.end().catch(() => undefined);
    admin = undefined;
    try {
      if (started) {
        started = false;
        // immediate: skip the shutdown checkpoint (seconds of fsync) of a directory about to be removed.
        await server('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    if (asRoot) await chown(dir, await idOf('-u'), await idOf('-g'));
    // --no-sync only skips initdb's final flush of a throwaway directory; the server runs with fsync on.
    await server('initdb', ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-instructions']);
    const port = await freePort();
    const settings = { listen_addresses: "'127.0.0.1'", port: String(port), unix_socket_directories: `'${dir}'`, fsync: 'on', synchronous_commit: 'on', max_connections: '60', shared_buffers: '32MB' };
    await appendFile(join(data, 'postgresql.conf'), Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
    started = true;
    await server('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']).catch(async (error: unknown) => {
      const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '(no log)');
      throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`, { cause: error });
    });
    admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    const password = randomBytes(18).toString('hex');
    await admin.query(`CREATE ROLE ${PG_ROLE} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    const client = admin;
    return {
      port,
      password,
      url: (name) => `postgres://${PG_ROLE}:${password}@127.0.0.1:${port}/${name}`,
      createDatabase: async (name) => void (await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} OWNER ${PG_ROLE}`)),
      // Not DROP DATABASE: it forces a checkpoint, which with fsync on takes seconds once tests have written.
      cutOff: async (name) => {
        await client.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} WITH ALLOW_CONNECTIONS false`);
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  try {
    return Number((await run('id', [flag, 'postgres'])).stdout.trim());
  } catch (error) {
    throw new Error('the OS user postgres does not exist: run ./scripts/setup-host.sh (it installs postgresql-15)', { cause: error });
  }
}
