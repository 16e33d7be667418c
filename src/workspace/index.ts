/**
 * workspace: the repository a session works on. Failure: REPO_NOT_FOUND (exit 66).
 */
export { resolveRepo } from './resolve-repo.js';
export { createGitRunner, disposeSnapshot, gitChanges, gitSnapshot, stripUrlCredentials } from './git/index.js';
export type { FileChange, GitChangesOptions, GitRunner, GitRunnerOptions, GitSnapshotOptions, RepoChanges, RepoSnapshot } from './git/index.js';
export { findControlledPaths, MAX_CONTROLLED_PATHS } from './paths/find-paths.js';
export type { ControlledPaths, FoundPath, PathRules } from './paths/find-paths.js';
export { compilePathPattern, matchFileOrDirectory } from './paths/path-glob.js';
export type { PathPattern } from './paths/path-glob.js';
export { buildCodeIndex, matchBody, MAX_INDEXED_FILE_BYTES } from './egress-map/code-index.js';
export type { CodeIndex, CodeMatch } from './egress-map/code-index.js';
