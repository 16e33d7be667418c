import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError } from '../core/index.js';

/** The repository directory as an absolute, symlink-free path. Fails REPO_NOT_FOUND. */
export async function resolveRepo(dir: string, cwd: string): Promise<string> {
  const path = resolve(cwd, dir);
  try {
    const st = await stat(path);
    if (!st.isDirectory()) {
      throw new AirlockError('REPO_NOT_FOUND', `${path} is not a directory: pass --repo with the repository's directory`);
    }
    return await realpath(path);
  } catch (error) {
    if (error instanceof AirlockError) throw error;
    throw new AirlockError('REPO_NOT_FOUND', `repository ${path} does not exist: pass --repo with an existing directory`, { cause: error });
  }
}
