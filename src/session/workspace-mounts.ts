import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkspacePolicy } from '../policy/index.js';
import type { SandboxMount } from '../sandbox/index.js';
import { findControlledPaths } from '../workspace/index.js';
import type { ControlledPaths } from '../workspace/index.js';

/**
 * Mounts that mask and protect paths of the repository mounted at `workdir`: an empty
 * read-only file or directory over each masked path (its bytes never enter the sandbox),
 * and each protected path bound read-only onto itself. They come after the repository's
 * own mount, so they lie over it.
 */
export async function workspaceMounts(repoDir: string, runDir: string, workdir: string, rules: WorkspacePolicy): Promise<{ mounts: SandboxMount[]; paths: ControlledPaths }> {
  const paths = await findControlledPaths(repoDir, rules);
  if (paths.masked.length + paths.protected.length === 0) return { mounts: [], paths };
  const dir = join(runDir, 'masked');
  const emptyFile = join(dir, 'empty');
  const emptyDir = join(dir, 'empty.d');
  await mkdir(emptyDir, { recursive: true, mode: 0o555 });
  await writeFile(emptyFile, '', { mode: 0o444 });
  const mounts: SandboxMount[] = [
    ...paths.masked.map((m) => ({ source: m.kind === 'dir' ? emptyDir : emptyFile, target: `${workdir}/${m.path}`, readOnly: true })),
    ...paths.protected.map((p) => ({ source: join(repoDir, p.path), target: `${workdir}/${p.path}`, readOnly: true })),
  ];
  return { mounts, paths };
}
