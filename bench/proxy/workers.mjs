// Child processes of the proxy benchmark, each on its own event loop (the machine has
// two cores: the proxy must not share a loop with the clients or the upstream).
import { readdirSync, readFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Forks `file` (run with tsx), sends it `init`, and waits for its first message.
 * Returns that message, `call(type)` for request/response over IPC, and `stop()`.
 */
export async function startWorker(file, init) {
  const child = fork(here(file), [], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    exited.then(({ code, signal }) => reject(new Error(`${file} exited (${code ?? signal}) before it was ready`)));
    child.send(init);
  });
  let next = 0;
  const pending = new Map();
  child.on('message', (m) => {
    pending.get(m.id)?.(m.value);
    pending.delete(m.id);
  });
  const call = (type) => new Promise((resolve) => {
    const id = ++next;
    pending.set(id, resolve);
    child.send({ id, type });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { ready, call, stop, pid: child.pid };
}

/**
 * The process's CPU plus that of its children, live and ended, and theirs (utime, stime,
 * cutime and cstime in /proc/PID/stat): the proxy's native tunnel relays are children of
 * its relay host, a child process of the proxy.
 */
function withChildren(usage) {
  const ticksToUs = (t) => (Number(t) * 1e6) / 100; // USER_HZ: 100 on Linux
  const stat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const self = stat('self');
  let user = usage.user + ticksToUs(self[13]);
  let system = usage.system + ticksToUs(self[14]);
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let f;
    try {
      f = stat(pid);
    } catch {
      continue; // ended meanwhile
    }
    if (Number(f[1]) !== process.pid) continue;
    user += ticksToUs(f[11]) + ticksToUs(f[13]);
    system += ticksToUs(f[12]) + ticksToUs(f[14]);
  }
  return { user, system };
}

/** Answers {id, type} requests of the parent: 'usage' (CPU, memory) and any in `extra`. */
export function serveParent(extra = {}) {
  process.on('message', async (m) => {
    if (m?.type === undefined) return;
    const handlers = { usage: () => ({ cpu: withChildren(process.cpuUsage()), rss: process.memoryUsage().rss }), ...extra };
    process.send({ id: m.id, value: await handlers[m.type]?.() });
  });
  process.on('disconnect', () => process.exit(0));
}
