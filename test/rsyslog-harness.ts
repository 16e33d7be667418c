import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const run = promisify(execFile);

/** Files of a CA and a server certificate for 127.0.0.1 / localhost that it signed. */
export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * A real rsyslogd in the foreground, private to one test: its own config, work folder and
 * pid file in a temp folder, one imtcp input on a loopback port (plain TCP, or TLS through
 * the gtls netstream driver with a certificate made for the test), writing every message
 * it receives, unaltered (%rawmsg%), one a line, to a file. It loads only imtcp: no
 * /dev/log (imuxsock), no kernel log (imklog), no system files.
 */
export interface Rsyslog {
  readonly port: number;
  readonly dir: string;
  /** The CA that signed the server certificate (TLS only). */
  readonly caFile: string | undefined;
  /** The messages received so far, in arrival order. */
  messages(): Promise<string[]>;
  /** Resolves with the messages once at least `count` arrived; rejects after timeoutMs. */
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
  /** Stops rsyslogd (SIGTERM, as a receiver going down), waiting for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, resolving once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
  /** rsyslogd's own messages and stderr, for failure messages. */
  diagnostics(): Promise<string>;
}

export interface RsyslogOptions {
  tls?: boolean;
}

export async function startRsyslog(options: RsyslogOptions = {}): Promise<Rsyslog> {
  if (!existsSync(RSYSLOGD)) throw new Error(`${RSYSLOGD} is missing: the syslog tests need a real rsyslog (apt-get install rsyslog rsyslog-gnutls)`);
  const dir = await mkdtemp(join(tmpdir(), 'airlock-rsyslog-'));
  const port = await freePort();
  const certs = options.tls ? await createTestCertificates(dir) : undefined;
  const config = join(dir, 'rsyslog.conf');
  const received = join(dir, 'received.log');
  const internal = join(dir, 'rsyslogd.log');
  await writeFile(config, rsyslogConfig({ dir, port, received, internal, certs }));
  let child: ChildProcess | undefined;
  let stderr = '';

  const diagnostics = async () => `rsyslogd stderr:\n${stderr}\nrsyslogd log:\n${await readFile(internal, 'utf8').catch(() => '(none)')}`;
  const messages = async () => (await readFile(received, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');

  const start = async (): Promise<void> => {
    if (child !== undefined) throw new Error('rsyslogd is already running');
    const pidFile = join(dir, 'rsyslogd.pid');
    await rm(pidFile, { force: true });
    const proc = spawn(RSYSLOGD, ['-n', '-f', config, '-i', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    proc.on('exit', () => {
      if (child === proc) child = undefined;
    });
    try {
      await waitUntilListening(port, proc);
    } catch (error) {
      await stop();
      throw new Error(`rsyslogd did not start listening on 127.0.0.1:${String(port)}: ${(error as Error).message}\n${await diagnostics()}`);
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const waitForMessages = async (count: number, timeoutMs = 10_000): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await messages();
      if (got.length >= count) return got;
      if (Date.now() > deadline) throw new Error(`rsyslogd received ${String(got.length)} of ${String(count)} messages within ${String(timeoutMs)} ms\n${await diagnostics()}`);
      await sleep(25);
    }
  };

  await start();
  return {
    port,
    dir,
    caFile: certs?.caFile,
    messages,
    waitForMessages,
    stop,
    start,
    diagnostics,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface ConfigParts {
  dir: string;
  port: number;
  received: string;
  internal: string;
  certs: TestCertificates | undefined;
}

/** RainerScript: one input bound to loopback, its own ruleset, rsyslogd's own messages apart. */
function rsyslogConfig(p: ConfigParts): string {
  const tls = p.certs === undefined ? '' : [
    ' streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon"',
    ` streamDriver.caFile="${p.certs.caFile}" streamDriver.certFile="${p.certs.certFile}" streamDriver.keyFile="${p.certs.keyFile}"`,
  ].join('');
  return [
    // processInternalMessages: keep rsyslogd's own messages here, never send them to /dev/log.
    `global(workDirectory="${p.dir}" processInternalMessages="on" maxMessageSize="64k" parser.escapeControlCharactersOnReceive="off")`,
    'module(load="imtcp")',
    'template(name="raw" type="string" string="%rawmsg%\\n")',
    `input(type="imtcp" address="127.0.0.1" port="${String(p.port)}" ruleset="received"${tls})`,
    `ruleset(name="received") { action(type="omfile" file="${p.received}" template="raw") }`,
    `action(type="omfile" file="${p.internal}")`,
    '',
  ].join('\n');
}

/**
 * A CA and a server certificate for IP 127.0.0.1 and DNS localhost (P-256, valid two
 * days), made with openssl into `dir`. Also used to make a CA the server does not use.
 */
export async function createTestCertificates(dir: string, prefix = 'test'): Promise<TestCertificates> {
  const f = (name: string) => join(dir, `${prefix}-${name}`);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
  await run('openssl', ['req', '-x509', ...key, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', `/CN=Airlock ${prefix} syslog CA`]);
  await run('openssl', [
    'req', '-x509', '-CA', f('ca.pem'), '-CAkey', f('ca.key'), ...key, '-keyout', f('server.key'), '-out', f('server.pem'), '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilListening(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`it exited (${String(proc.exitCode ?? proc.signalCode)})`);
    if (await accepts(port)) return;
    await sleep(25);
  }
  throw new Error(`nothing listened within ${String(START_TIMEOUT_MS)} ms`);
}

/** A TCP connection that opens and closes at once: rsyslogd drops it without a message. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
