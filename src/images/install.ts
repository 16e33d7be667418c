import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PinnedPackage } from './lockfile.js';
import { npmFlags, runNpm } from './npm.js';
import type { NpmPaths } from './paths.js';
import { toolPackageJson } from './resolve.js';

export interface InstallOptions {
  tool: string;
  pin: PinnedPackage;
  installScripts: boolean;
  /** The lockfile kept beside the record. */
  lockfile: string;
  /** A fresh directory: package.json, package-lock.json and node_modules go here. */
  staging: string;
  npm: { command: string; env: Record<string, string>; paths: NpmPaths };
  signal?: AbortSignal;
}

/**
 * `npm ci` from the kept lockfile: npm checks every tarball against the lockfile's
 * integrity and fails on any difference. Install scripts run only when the policy says
 * so (some agents link a platform binary in postinstall).
 */
export async function installStaging(options: InstallOptions): Promise<void> {
  await mkdir(options.staging, { recursive: true });
  await writeFile(join(options.staging, 'package.json'), toolPackageJson(options.tool, options.pin));
  await copyFile(options.lockfile, join(options.staging, 'package-lock.json'));
  const scripts = options.installScripts ? [] : ['--ignore-scripts'];
  await runNpm({
    command: options.npm.command,
    args: ['ci', ...scripts, ...npmFlags(options.npm.paths)],
    cwd: options.staging, env: options.npm.env, doing: `installing ${options.pin.name}@${options.pin.version}`, signal: options.signal,
  });
}
