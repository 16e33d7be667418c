import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Everything a session could leave on the host, for one session id. */
export function leftoversOf(home: string, sessionId: string): string[] {
  const found: string[] = [];
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.airlock.session=${sessionId}`]).toString().trim();
  if (containers !== '') found.push(`container ${containers}`);
  for (const c of ['pids', 'memory', 'cpu']) {
    if (existsSync(join('/sys/fs/cgroup', c, 'airlock', sessionId))) found.push(`cgroup ${c}/airlock/${sessionId}`);
  }
  if (existsSync(join(home, 'run', sessionId))) found.push(`run dir ${sessionId}`);
  const procs = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes(sessionId) && !l.startsWith('ps '));
  found.push(...procs.map((p) => `process ${p}`));
  return found;
}

export function runDirs(home: string): string[] {
  return existsSync(join(home, 'run')) ? readdirSync(join(home, 'run')) : [];
}

export function sessionIdFrom(stderr: string): string {
  const match = /airlock: session ([0-9a-z]{26})/.exec(stderr);
  if (!match?.[1]) throw new Error(`no session id on stderr: ${stderr}`);
  return match[1];
}
