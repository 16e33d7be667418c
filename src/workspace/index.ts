/**
 * workspace: the repository a session works on. Failure: REPO_NOT_FOUND (exit 66).
 */
export { resolveRepo } from './resolve-repo.js';
