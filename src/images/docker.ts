import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { z } from 'zod';
import { AirlockError } from '../core/index.js';

/** The part of GET /images/{name}/json a build reads (Engine API 1.41). */
const ImageInspectSchema = z.looseObject({
  Id: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  Config: z.looseObject({
    User: z.string().optional(),
    Labels: z.record(z.string(), z.string()).nullable().optional(),
  }).nullable().optional(),
});

/** One JSON message of POST /build's progress stream. */
const BuildMessageSchema = z.looseObject({
  stream: z.string().optional(),
  error: z.string().optional(),
  errorDetail: z.looseObject({ message: z.string().optional() }).optional(),
  aux: z.looseObject({ ID: z.string().optional() }).optional(),
});

export interface ImageFacts {
  id: string;
  user: string;
  labels: Record<string, string>;
}

export interface DockerAccess {
  docker: Docker;
  socketPath: string;
}

export async function openDocker(socketPath: string): Promise<DockerAccess> {
  const { default: Dockerode } = await import('dockerode');
  return { docker: new Dockerode({ socketPath }), socketPath };
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ETIMEDOUT', 'ECONNRESET']);

/** A Docker failure as one AirlockError: unreachable is DRIVER_UNAVAILABLE, the rest IMAGE_BUILD_FAILED. */
export function dockerFailure(error: unknown, access: DockerAccess, doing: string): AirlockError {
  if (error instanceof AirlockError) return error;
  const e = (error ?? {}) as { code?: string; json?: { message?: string }; message?: string };
  if (e.code !== undefined && UNREACHABLE.has(e.code)) {
    return new AirlockError('DRIVER_UNAVAILABLE', `Docker Engine is not answering on ${access.socketPath} (${e.code}) while ${doing}: start it with scripts/start-dockerd.sh`, { cause: error });
  }
  return new AirlockError('IMAGE_BUILD_FAILED', `Docker Engine refused ${doing}: ${e.json?.message ?? e.message ?? String(error)}`, { cause: error });
}

/** An image's id, user and labels; undefined when Docker has no such image. */
export async function inspectImage(access: DockerAccess, reference: string): Promise<ImageFacts | undefined> {
  let raw: unknown;
  try {
    raw = await access.docker.getImage(reference).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw dockerFailure(error, access, `inspecting image ${reference}`);
  }
  const parsed = ImageInspectSchema.safeParse(raw);
  if (!parsed.success) throw new AirlockError('IMAGE_BUILD_FAILED', `Docker Engine answered an inspect of ${reference} with something unexpected: ${parsed.error.issues[0]?.message ?? ''}`);
  return { id: parsed.data.Id, user: parsed.data.Config?.User ?? '', labels: parsed.data.Config?.Labels ?? {} };
}

export interface BuildRequest {
  context: Readable;
  tag: string;
  noCache: boolean;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/** POST /build with a tar context (the classic builder: no registry is ever asked). Returns the image id. */
export async function buildImage(access: DockerAccess, request: BuildRequest): Promise<string> {
  const doing = `building ${request.tag}`;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await access.docker.buildImage(request.context, {
      t: request.tag, nocache: request.noCache, rm: true, forcerm: true, pull: false, abortSignal: request.signal,
    });
  } catch (error) {
    throw dockerFailure(error, access, doing);
  }
  const messages = await followBuild(access, stream, doing, (raw) => {
    const m = BuildMessageSchema.safeParse(raw);
    const line = m.success ? m.data.stream?.trim() : undefined;
    if (line !== undefined && line !== '') request.onLine?.(line);
  });
  const lines: string[] = [];
  let id: string | undefined;
  for (const raw of messages) {
    const m = BuildMessageSchema.safeParse(raw);
    if (!m.success) continue;
    if (m.data.stream !== undefined) lines.push(...m.data.stream.split('\n').filter((l) => l.trim() !== ''));
    if (m.data.error !== undefined) {
      throw new AirlockError('IMAGE_BUILD_FAILED', `Docker could not build ${request.tag}: ${m.data.errorDetail?.message ?? m.data.error}`, { details: lines.slice(-10) });
    }
    if (m.data.aux?.ID !== undefined) id = m.data.aux.ID;
  }
  if (id === undefined) throw new AirlockError('IMAGE_BUILD_FAILED', `Docker built ${request.tag} but did not say its id`, { details: lines.slice(-10) });
  return id;
}

function followBuild(access: DockerAccess, stream: NodeJS.ReadableStream, doing: string, onEvent: (raw: unknown) => void): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, output: unknown[]) => {
      if (error !== null) reject(dockerFailure(error, access, doing));
      else resolve(output);
    };
    access.docker.modem.followProgress(stream, done, onEvent);
  });
}

/** Removes an image that no tag names any more; one still in use is left alone. */
export async function removeQuietly(access: DockerAccess, id: string): Promise<void> {
  try {
    await access.docker.getImage(id).remove({ noprune: false });
  } catch {
    // In use by a container, or tagged elsewhere: not ours to force.
  }
}
