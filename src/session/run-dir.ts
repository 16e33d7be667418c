import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OwnerRecord } from '../sandbox/index.js';

/** AIRLOCK_HOME/run/<session>: private runtime state, removed when the session ends. */
export function runDirOf(home: string, sessionId: string): string {
  return join(home, 'run', sessionId);
}

/** AIRLOCK_HOME/sessions/<session>: what a session leaves on purpose (its events). */
export function sessionDirOf(home: string, sessionId: string): string {
  return join(home, 'sessions', sessionId);
}

export async function createRunDir(home: string, sessionId: string, owner: OwnerRecord, driver: string): Promise<string> {
  const dir = runDirOf(home, sessionId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'owner.json'), JSON.stringify({ ...owner, driver }), { mode: 0o600 });
  return dir;
}

export async function readRunOwner(home: string, sessionId: string): Promise<OwnerRecord | undefined> {
  try {
    const o = JSON.parse(await readFile(join(runDirOf(home, sessionId), 'owner.json'), 'utf8')) as OwnerRecord;
    return typeof o.pid === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}

export async function listRunDirs(home: string): Promise<string[]> {
  return readdir(join(home, 'run')).catch(() => []);
}

export async function removeRunDir(home: string, sessionId: string): Promise<void> {
  await rm(runDirOf(home, sessionId), { recursive: true, force: true });
}
