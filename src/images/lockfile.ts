import { z } from 'zod';
import { AirlockError } from '../core/index.js';

/** One entry of package-lock.json's `packages` (npm adds fields over time: loose). */
export const LockEntrySchema = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  resolved: z.string().optional(),
  integrity: z.string().optional(),
  link: z.boolean().optional(),
  inBundle: z.boolean().optional(),
  optional: z.boolean().optional(),
  dev: z.boolean().optional(),
  license: z.string().optional(),
  os: z.array(z.string()).optional(),
  cpu: z.array(z.string()).optional(),
  libc: z.array(z.string()).optional(),
  bin: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
});
export type LockEntry = z.infer<typeof LockEntrySchema>;

export const PackageLockSchema = z.looseObject({
  name: z.string(),
  lockfileVersion: z.union([z.literal(2), z.literal(3)]),
  packages: z.record(z.string(), LockEntrySchema),
});
export type PackageLock = z.infer<typeof PackageLockSchema>;

/** The package a tool is built from, as the policy pins it. */
export interface PinnedPackage {
  name: string;
  version: string;
  integrity: string;
}

const STRONG_SRI = /^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$/;

export function parseLockfile(file: string, text: string): PackageLock {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} is not JSON: delete it to resolve the tool again`, { cause: error });
  }
  const parsed = PackageLockSchema.safeParse(json);
  if (!parsed.success) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} is not an npm lockfile (version 2 or 3): delete it to resolve the tool again`, {
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return parsed.data;
}

/** The lockfile path of a top-level package: node_modules/<name>. */
export function topLevelPath(name: string): string {
  return `node_modules/${name}`;
}

/**
 * Refuses a lockfile that does not install exactly the pinned package: the root must
 * depend on name@version only, the registry's entry must carry the policy's integrity,
 * and every package fetched must have a strong integrity and a URL without credentials
 * (npm ci then checks each tarball against it).
 */
export function checkLockfile(file: string, lock: PackageLock, pin: PinnedPackage): void {
  const root = lock.packages[''];
  const wanted = { [pin.name]: pin.version };
  if (root === undefined || JSON.stringify(root.dependencies ?? {}) !== JSON.stringify(wanted)) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} does not depend on exactly ${pin.name}@${pin.version}: delete it to resolve the tool again`);
  }
  const entry = lock.packages[topLevelPath(pin.name)];
  if (entry?.version !== pin.version) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} resolves ${pin.name} to ${entry?.version ?? 'nothing'}, not ${pin.version}: delete it to resolve the tool again`);
  }
  if (entry.integrity !== pin.integrity) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `refusing ${pin.name}@${pin.version}: the registry's integrity is not the one the policy pins, so the registry served something else (or the policy's integrity is wrong)`, {
      details: [`policy:   ${pin.integrity}`, `registry: ${entry.integrity ?? '(none)'}`, `lockfile: ${file}`],
    });
  }
  const problems = Object.entries(lock.packages).flatMap(([path, e]) => (path === '' ? [] : entryProblems(path, e)));
  if (problems.length > 0) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} has packages npm could not verify: every package must come from a registry with a sha256/384/512 integrity`, { details: problems });
  }
}

function entryProblems(path: string, e: LockEntry): string[] {
  if (e.link === true) return [`${path}: a link to a local directory`];
  // A bundled package arrives inside its parent's tarball, which is verified.
  if (e.inBundle === true) return [];
  const problems: string[] = [];
  const hashes = (e.integrity ?? '').split(/\s+/).filter((h) => h !== '');
  if (!hashes.some((h) => STRONG_SRI.test(h))) problems.push(`${path}: integrity ${e.integrity ?? '(none)'} is not sha256, sha384 or sha512`);
  const url = urlOf(e.resolved);
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) problems.push(`${path}: resolved from ${e.resolved ?? '(nowhere)'}, not a registry URL`);
  else if (url.username !== '' || url.password !== '') problems.push(`${path}: its URL holds credentials`);
  return problems;
}

function urlOf(text: string | undefined): URL | undefined {
  if (text === undefined) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

export interface Platform {
  platform: string;
  arch: string;
  /** glibc or musl on Linux; undefined elsewhere. */
  libc: string | undefined;
}

/** Packages npm will install on this platform (entries whose os, cpu or libc exclude it are skipped). */
export function installablePaths(lock: PackageLock, p: Platform): string[] {
  return Object.entries(lock.packages)
    .filter(([path, e]) => path !== '' && fits(e.os, p.platform) && fits(e.cpu, p.arch) && (p.libc === undefined || fits(e.libc, p.libc)))
    .map(([path]) => path);
}

/** This machine's platform, libc found as npm finds it (the process report's glibc version). */
export function hostPlatform(): Platform {
  if (process.platform !== 'linux') return { platform: process.platform, arch: process.arch, libc: undefined };
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return { platform: process.platform, arch: process.arch, libc: report.header?.glibcVersionRuntime === undefined ? 'musl' : 'glibc' };
}

/** npm's os/cpu semantics: a list of allowed values, or of "!value" exclusions. */
function fits(list: string[] | undefined, value: string): boolean {
  if (list === undefined || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((v) => !v.startsWith('!'));
  return allowed.length === 0 || allowed.includes(value);
}

/**
 * Optional dependencies the lockfile has no entry for: the registry had nothing to
 * resolve (a mirror that carries only some platforms' binaries). `npm ci` refuses such
 * a lockfile although npm would skip those packages on this platform anyway.
 */
export function missingOptionals(lock: PackageLock): string[] {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      const nested = path === '' ? `node_modules/${dep}` : `${path}/node_modules/${dep}`;
      if (lock.packages[nested] === undefined && lock.packages[`node_modules/${dep}`] === undefined) missing.push(dep);
    }
  }
  return [...new Set(missing)].sort();
}
