import { join } from 'node:path';

/** Where one tool version's build record lives: AIRLOCK_HOME/images/<tool>/<version>/. */
export interface ImagePaths {
  dir: string;
  packageJson: string;
  lockfile: string;
  sbom: string;
  manifest: string;
  record: string;
}

/** Airlock's own npm state, shared by every build and by nothing else. */
export interface NpmPaths {
  /** Private npm cache (never the user's ~/.npm). */
  cache: string;
  /** The userconfig npm reads instead of the user's ~/.npmrc. */
  userconfig: string;
  /** HOME for npm: nothing of the user's home is visible to it. */
  home: string;
}

export function imagesRoot(home: string): string {
  return join(home, 'images');
}

export function imagePaths(home: string, tool: string, version: string): ImagePaths {
  const dir = join(imagesRoot(home), tool, version);
  return {
    dir,
    packageJson: join(dir, 'package.json'),
    lockfile: join(dir, 'package-lock.json'),
    sbom: join(dir, 'sbom.cdx.json'),
    manifest: join(dir, 'files.json'),
    record: join(dir, 'image.json'),
  };
}

export function npmPaths(home: string): NpmPaths {
  const root = join(imagesRoot(home), '.npm');
  return { cache: join(root, 'cache'), userconfig: join(root, 'npmrc'), home: join(root, 'home') };
}

/** Scratch space of builds in progress; each build removes its own directory. */
export function workRoot(home: string): string {
  return join(imagesRoot(home), '.work');
}

/** Where a tool is installed inside its image. */
export function installDir(tool: string): string {
  return `/opt/airlock/tools/${tool}`;
}

export const BIN_DIR = '/usr/local/bin';
