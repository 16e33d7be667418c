// External processes of the proxy benchmark: Debian's squid (the comparison CONNECT
// proxy) and airlock-bridge (the sandbox's TCP-to-Unix-socket relay).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const SQUID = '/usr/sbin/squid';
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, what) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it listened`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s.destroy() || true));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`);
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Installs Debian's squid when it is missing. Returns a note, or throws why it cannot. */
export function ensureSquid() {
  if (existsSync(SQUID)) return 'already installed';
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'squid'], { env, encoding: 'utf8', timeout: 240_000 });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 120_000 });
    r = install();
  }
  if (r.status !== 0 || !existsSync(SQUID)) throw new Error(`apt-get install squid failed (${r.status ?? r.error?.message}): ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`);
  return `installed with apt-get in ${((Date.now() - started) / 1000).toFixed(1)} s`;
}

function squidConf(dir, port) {
  return [
    `http_port 127.0.0.1:${port}`,
    'acl bench_client src 127.0.0.1/32',
    'http_access allow bench_client',
    'http_access deny all',
    'cache deny all',
    'cache_mem 0 MB',
    'access_log none',
    'cache_store_log none',
    `cache_log ${join(dir, 'cache.log')}`,
    `pid_filename ${join(dir, 'squid.pid')}`,
    `coredump_dir ${dir}`,
    'visible_hostname airlock-bench',
    'dns_nameservers 127.0.0.1',
    'pinger_enable off',
    'shutdown_lifetime 0 seconds',
    '',
  ].join('\n');
}

/** A private squid on 127.0.0.1 (own config, foreground), never the system service. */
export async function openSquid() {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-squid-'));
  chmodSync(dir, 0o777); // squid drops to the "proxy" user and writes its log here
  const port = await freePort();
  writeFileSync(join(dir, 'squid.conf'), squidConf(dir, port));
  const child = spawn(SQUID, ['-N', '-f', join(dir, 'squid.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const close = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, 'squid');
  } catch (error) {
    const log = existsSync(join(dir, 'cache.log')) ? readFileSync(join(dir, 'cache.log'), 'utf8') : '';
    await close();
    throw new Error(`${error.message}: ${`${stderr}\n${log}`.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const version = spawnSync(SQUID, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'squid';
  return { port, version, pid: child.pid, close };
}

/** airlock-bridge relaying 127.0.0.1:<port> to the proxy's socket, running `sleep`. */
export async function openBridge(binary, socketPath) {
  const port = await freePort();
  const child = spawn(binary, [String(port), socketPath, 'sleep', '1000'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitForPort(port, child, 'airlock-bridge');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { port, pid: child.pid, close: () => stopChild(child) };
}
