import { chown, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Tool } from '../policy/index.js';
import type { SandboxMount } from '../sandbox/index.js';

export interface ToolHomeOptions {
  /** AIRLOCK_HOME: persisted directories live under it, never in the person's own home. */
  home: string;
  runDir: string;
  toolName: string;
  tool: Tool;
  /** Kept directories are per driver: docker and bwrap map the sandbox uid differently. */
  driver: string;
  /** The sandbox's home directory (HOME inside). */
  sandboxHome: string;
  /** Owner to give new persisted directories (docker maps uids 1:1), or null to leave them. */
  owner: { uid: number; gid: number } | null;
}

/** AIRLOCK_HOME/volumes/<driver>/<tool>/<dir with "/" as "--">: a tool's kept directory. */
export function persistDirOf(home: string, driver: string, toolName: string, dir: string): string {
  return join(home, 'volumes', driver, toolName, dir.replaceAll('/', '--'));
}

/**
 * Mounts that give the tool its home: each `files:` entry read-only (the agent cannot
 * turn its own update or telemetry switches back on), and each `persist:` directory
 * read-write from Airlock's own store, kept between this user's sessions of the tool.
 */
export async function prepareToolHome(options: ToolHomeOptions): Promise<SandboxMount[]> {
  const mounts: SandboxMount[] = [];
  for (const dir of options.tool.persist) {
    const source = persistDirOf(options.home, options.driver, options.toolName, dir);
    await mkdir(source, { recursive: true, mode: 0o700 });
    if (options.owner !== null) await chown(source, options.owner.uid, options.owner.gid);
    mounts.push({ source, target: join(options.sandboxHome, dir), readOnly: false });
  }
  for (const [path, content] of Object.entries(options.tool.files)) {
    const source = join(options.runDir, 'home-files', path);
    await mkdir(dirname(source), { recursive: true, mode: 0o755 });
    await writeFile(source, content, { mode: 0o644 });
    mounts.push({ source, target: join(options.sandboxHome, path), readOnly: true });
  }
  return mounts;
}
