import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AirlockError } from '../core/index.js';
import { createEngineClient } from '../sandbox/index.js';

export interface RootfsOptions {
  /** Docker Engine's socket, which holds the image. */
  dockerSocket: string;
  /** The approved content digest, sha256:<hex>. */
  digest: string;
  /** AIRLOCK_HOME: root filesystems are kept under images/rootfs/<hex>. */
  home: string;
  /** Called when the unpacking starts (it takes a while, once per digest). */
  onUnpack?: () => void;
}

const COMPLETE = '.airlock-rootfs-complete';

/**
 * The image's root filesystem as a host directory, for drivers that run without images
 * (bwrap): exported from Docker Engine once per digest, unpacked with owners and modes
 * kept, and named by that digest, so what runs is exactly what was approved.
 * Failures: DRIVER_UNAVAILABLE (no Docker Engine), IMAGE_MISSING, INTERNAL.
 */
export async function materializeRootfs(options: RootfsOptions): Promise<string> {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(options.digest)?.[1];
  if (hex === undefined) throw new AirlockError('INTERNAL', `not an image digest: ${options.digest}`);
  const dir = join(options.home, 'images', 'rootfs', hex);
  if (existsSync(join(dir, COMPLETE))) return dir;
  options.onUnpack?.();
  const temp = `${dir}.${process.pid}.tmp`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true, mode: 0o755 });
  try {
    await exportInto(options, temp);
    await writeFile(join(temp, COMPLETE), `${options.digest}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
    return dir;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function exportInto(options: RootfsOptions, target: string): Promise<void> {
  const engine = createEngineClient({ socketPath: options.dockerSocket });
  let container: string;
  try {
    // The label names where the export goes: which unpacking a leftover container was.
    container = await engine.createContainer({ Image: options.digest, Cmd: ['/bin/true'], NetworkDisabled: true, Labels: { 'dev.airlock.rootfs-export': target } });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) throw new AirlockError('IMAGE_MISSING', `image ${options.digest} is not in Docker Engine: build it with airlock images build`, { cause: error });
    throw new AirlockError('DRIVER_UNAVAILABLE', `cannot reach Docker Engine at ${options.dockerSocket} to unpack image ${options.digest} for bwrap: ${(error as Error).message}`, { cause: error });
  }
  try {
    const tar = spawn('tar', ['-x', '--numeric-owner', '--same-permissions', '-C', target], { stdio: ['pipe', 'ignore', 'pipe'] });
    const errors: Buffer[] = [];
    tar.stderr.on('data', (b: Buffer) => errors.push(b));
    const exited = new Promise<number>((resolve) => tar.once('close', (code) => resolve(code ?? 1)));
    await pipeline(await engine.export(container), tar.stdin);
    const code = await exited;
    if (code !== 0) throw new AirlockError('INTERNAL', `unpacking image ${options.digest} failed: ${Buffer.concat(errors).toString().trim().split('\n').slice(-3).join('; ')}`);
  } finally {
    await engine.remove(container).catch(() => undefined);
  }
}
