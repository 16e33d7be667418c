/**
 * workspace/git: the repository facts of a session's audit record, read with git.
 *
 * Security invariant: the person's repository is only read. Worktree scans run in a private
 * shadow git directory with Airlock's own config, so nothing the agent wrote into .git
 * (config, hooks, filters, index) runs or decides what is recorded. Failures: git missing
 * is DRIVER_UNAVAILABLE; git failing on a repository is INTERNAL.
 */
export { createGitRunner, gitEnvironment } from './runner.js';
export type { GitCallOptions, GitResult, GitRunner, GitRunnerOptions } from './runner.js';
export { disposeSnapshot, gitSnapshot } from './snapshot.js';
export type { GitSnapshotOptions, RepoSnapshot } from './snapshot.js';
export { gitChanges } from './changes.js';
export type { FileChange, GitChangesOptions, RepoChanges } from './changes.js';
export { stripUrlCredentials } from './remote-url.js';
