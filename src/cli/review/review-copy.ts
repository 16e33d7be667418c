import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../../core/index.js';

/** AIRLOCK_HOME/reviews/<session>/repo: where a review session works. */
export function reviewCopyOf(home: string, sessionId: string): string {
  return join(home, 'reviews', sessionId, 'repo');
}

/**
 * Copies the repository (working tree, ignored files and .git, owners and modes kept;
 * copy-on-write where the filesystem can) for a review session to work on.
 */
export async function makeReviewCopy(home: string, sessionId: string, repoDir: string): Promise<string> {
  const copy = reviewCopyOf(home, sessionId);
  await mkdir(copy, { recursive: true, mode: 0o700 });
  const code = await new Promise<number>((resolve) => {
    const child = spawn('cp', ['-a', '--reflink=auto', `${repoDir}/.`, copy], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.on('error', () => resolve(127));
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    await removeReviewCopy(home, sessionId);
    throw new AirlockError('INTERNAL', `cannot copy ${repoDir} for review (cp exited ${code}); check free space under ${home}`);
  }
  return copy;
}

export async function removeReviewCopy(home: string, sessionId: string): Promise<void> {
  await rm(join(home, 'reviews', sessionId), { recursive: true, force: true });
}
