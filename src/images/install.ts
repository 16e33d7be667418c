import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { AirlockError } from '../core/index.js';
import { join } from 'node:path';
import type { PinnedPackage } from './lockfile.js';
import { missingOptionals, parseLockfile } from './lockfile.js';
import { npmFlags, runNpm } from './npm.js';
import type { NpmPaths } from './paths.js';
import { toolPackageJson } from './resolve.js';

export interface InstallOptions {
  tool: string;
  pin: PinnedPackage;
  /** The lockfile kept beside the record. */
  lockfile: string;
  /** A fresh directory: package.json, package-lock.json and node_modules go here. */
  staging: string;
  npm: { command: string; env: Record<string, string>; paths: NpmPaths };
  signal?: AbortSignal;
}

/**
 * `npm ci --ignore-scripts` from the kept lockfile: npm checks every tarball against the
 * lockfile's integrity and fails on any difference. No package code runs on the host:
 * the install scripts a policy allows run afterwards in a container (install-scripts.ts).
 *
 * A lockfile with optional dependencies the registry could not resolve (other
 * platforms' binaries a mirror does not carry) is one `npm ci` refuses: then
 * `npm install --no-save` installs from the same lockfile (tarballs still checked
 * against its integrity), and the lockfile must come out unchanged.
 */
export async function installStaging(options: InstallOptions): Promise<void> {
  await mkdir(options.staging, { recursive: true });
  await writeFile(join(options.staging, 'package.json'), toolPackageJson(options.tool, options.pin));
  const staged = join(options.staging, 'package-lock.json');
  await copyFile(options.lockfile, staged);
  const text = await readFile(staged, 'utf8');
  const gaps = missingOptionals(parseLockfile(staged, text));
  await runNpm({
    command: options.npm.command,
    args: [...(gaps.length === 0 ? ['ci'] : ['install', '--no-save']), '--ignore-scripts', ...npmFlags(options.npm.paths)],
    cwd: options.staging, env: options.npm.env, doing: `installing ${options.pin.name}@${options.pin.version}`, signal: options.signal,
  });
  if (gaps.length > 0 && sha256(await readFile(staged, 'utf8')) !== sha256(text)) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `installing ${options.pin.name}@${options.pin.version} changed its lockfile (the registry could not resolve ${gaps.join(', ')}): the install is not the locked one; rebuild with --force`);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
