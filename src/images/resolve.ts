import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../core/index.js';
import { checkLockfile, parseLockfile } from './lockfile.js';
import type { PackageLock, PinnedPackage } from './lockfile.js';
import { npmFlags, runNpm } from './npm.js';
import type { NpmPaths } from './paths.js';
import type { ImagePaths } from './paths.js';

export interface Resolved {
  lock: PackageLock;
  /** sha256 of the lockfile's bytes, as kept beside the image record. */
  sha256: string;
  /** True when an existing lockfile was used (no registry lookup). */
  reused: boolean;
}

export interface ResolveOptions {
  tool: string;
  pin: PinnedPackage;
  paths: ImagePaths;
  npm: { command: string; env: Record<string, string>; paths: NpmPaths };
  /** A fresh directory to run `npm install --package-lock-only` in. */
  scratch: string;
  signal?: AbortSignal;
}

/** The package.json of a tool's install: depends on exactly name@version, nothing else. */
export function toolPackageJson(tool: string, pin: PinnedPackage): string {
  const manifest = { name: `airlock-tool-${tool}`, version: '0.0.0', private: true, dependencies: { [pin.name]: pin.version } };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The tool's lockfile: the one kept beside its record when there is one (same inputs,
 * same lockfile), else a new one from the registry, kept only once it passes the check.
 */
export async function resolveLockfile(options: ResolveOptions): Promise<Resolved> {
  const kept = await readIfPresent(options.paths.lockfile);
  if (kept !== undefined) {
    const lock = parseLockfile(options.paths.lockfile, kept);
    checkLockfile(options.paths.lockfile, lock, options.pin);
    return { lock, sha256: sha256Hex(kept), reused: true };
  }
  const { scratch, pin } = options;
  await mkdir(scratch, { recursive: true });
  await writeFile(join(scratch, 'package.json'), toolPackageJson(options.tool, pin));
  await runNpm({
    command: options.npm.command,
    args: ['install', '--package-lock-only', '--ignore-scripts', ...npmFlags(options.npm.paths)],
    cwd: scratch, env: options.npm.env, doing: `resolving ${pin.name}@${pin.version}`, signal: options.signal,
  });
  const text = await readFile(join(scratch, 'package-lock.json'), 'utf8');
  const lock = parseLockfile(join(scratch, 'package-lock.json'), text);
  checkLockfile(`the lockfile npm wrote for ${pin.name}@${pin.version}`, lock, pin);
  await mkdir(options.paths.dir, { recursive: true });
  await copyFile(join(scratch, 'package.json'), options.paths.packageJson);
  await copyFile(join(scratch, 'package-lock.json'), options.paths.lockfile);
  return { lock, sha256: sha256Hex(text), reused: false };
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
