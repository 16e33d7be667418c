import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/index.js';
import { AirlockError } from '../core/index.js';
import type { Policy, Tool } from '../policy/index.js';
import type { DockerAccess, ImageFacts } from './docker.js';
import { inspectImage, openDocker } from './docker.js';
import { isUpToDate } from './labels.js';
import type { PinnedPackage } from './lockfile.js';
import { hostPlatform, installablePaths } from './lockfile.js';
import { npmEnv, prepareNpm } from './npm.js';
import type { ImagePaths } from './paths.js';
import { imagePaths, npmPaths, workRoot } from './paths.js';
import type { ImageRecord } from './record.js';
import { readImageRecord } from './record.js';
import type { Resolved } from './resolve.js';
import { resolveLockfile } from './resolve.js';
import { installAndBuild } from './build-steps.js';

export type BuildStep = 'resolving' | 'installing' | 'sbom' | 'building' | 'skipped' | 'done';

/** What a build is doing now, for a progress display. */
export interface BuildProgress {
  step: BuildStep;
  message: string;
}

export interface BuildToolImageOptions {
  /** A tool of `policy.tools` that has a `package:`. */
  tool: string;
  policy: Policy;
  /** AIRLOCK_HOME: the record, lockfile, SBOM and npm cache live under images/. */
  home: string;
  /** The builder's environment: only PATH, locale and proxy/CA variables reach npm. */
  env: NodeJS.ProcessEnv;
  dockerSocket: string;
  clock: Clock;
  /** Build even when an image from the same lockfile and base exists. */
  force?: boolean;
  /** The npm program (default "npm", found on PATH). */
  npmCommand?: string;
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
}

export interface BuildOutcome {
  record: ImageRecord;
  /** True when the image was already up to date and nothing was built. */
  skipped: boolean;
  paths: ImagePaths;
}

export async function buildToolImage(options: BuildToolImageOptions): Promise<BuildOutcome> {
  const { tool, pin } = packagedTool(options.policy, options.tool);
  const access = await openDocker(options.dockerSocket);
  const base = await requireBase(access, options.policy.sandbox.image);
  const paths = imagePaths(options.home, options.tool, pin.version);
  const npm = { command: options.npmCommand ?? 'npm', paths: npmPaths(options.home), env: npmEnv(options.env, npmPaths(options.home)) };
  await prepareNpm(npm.paths);
  await mkdir(workRoot(options.home), { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(join(workRoot(options.home), `${options.tool}-`));
  const say = (step: BuildStep, message: string) => options.onProgress?.({ step, message });
  try {
    say('resolving', `resolving ${pin.name}@${pin.version}`);
    const resolved = await resolveLockfile({ tool: options.tool, pin, paths, npm, scratch: join(scratch, 'resolve'), signal: options.signal });
    const current = options.force === true ? undefined : await upToDate(access, tool, options.tool, paths, resolved, base);
    if (current !== undefined) {
      say('skipped', `${tool.image} is up to date (same lockfile and base image): nothing to build; --force rebuilds it`);
      return { record: current, skipped: true, paths };
    }
    const count = installablePaths(resolved.lock, hostPlatform()).length;
    say('installing', `installing ${count} package${count === 1 ? '' : 's'} of ${pin.name}@${pin.version}`);
    const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const record = await installAndBuild({ ...options, definition: tool, pin, paths, npm, resolved, base, access, staging: join(scratch, 'staging'), owner, say });
    say('done', `built ${tool.image} (${record.image.id})`);
    return { record, skipped: false, paths };
  } catch (error) {
    if (options.signal?.aborted !== true) throw error;
    throw new AirlockError('IMAGE_BUILD_FAILED', `the build of ${tool.image} was interrupted: the image and its record are as they were`, { cause: error });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function packagedTool(policy: Policy, name: string): { tool: Tool; pin: PinnedPackage & { installScripts: boolean } } {
  const tool = policy.tools[name];
  if (tool === undefined) {
    const known = Object.keys(policy.tools).join(', ') || 'none';
    throw new AirlockError('TOOL_UNKNOWN', `unknown tool "${name}": the policy defines ${known}`);
  }
  if (tool.package === undefined) {
    throw new AirlockError('USAGE', `tool "${name}" has no package: in the policy, so there is nothing to build: it is just an image (${tool.image})`);
  }
  return { tool, pin: tool.package };
}

async function requireBase(access: DockerAccess, reference: string): Promise<ImageFacts & { reference: string }> {
  const base = await inspectImage(access, reference);
  if (base === undefined) {
    throw new AirlockError('IMAGE_MISSING', `the base image ${reference} (the policy's sandbox.image) is not in Docker Engine: build it with scripts/setup-host.sh (there is no registry to pull from)`);
  }
  return { ...base, reference };
}

/** The kept record, when the tagged image is the one it describes and was built from this lockfile and base. */
async function upToDate(access: DockerAccess, tool: Tool, name: string, paths: ImagePaths, resolved: Resolved, base: ImageFacts): Promise<ImageRecord | undefined> {
  const image = await inspectImage(access, tool.image);
  if (image === undefined || !isUpToDate(image.labels, name, resolved.sha256, base.id)) return undefined;
  const record = await readImageRecord(paths.record);
  return record?.image.id === image.id && record.lockfileSha256 === resolved.sha256 ? record : undefined;
}
