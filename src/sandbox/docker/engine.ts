import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { ContainerCreateOptions } from 'dockerode';
import { z } from 'zod';

/**
 * The few calls of Docker Engine's HTTP API that a session makes, over its Unix socket.
 * dockerode, which the image builds use, costs 130 to 200 ms to load (its SSH transport
 * and BuildKit's gRPC come with it), on every session start; this costs nothing to load.
 *
 * Failures keep dockerode's shape, which errors.ts maps to an AirlockError at the driver's
 * boundary: a socket error keeps its `code` (ENOENT, ECONNREFUSED...); an answer other than
 * 2xx carries `statusCode` and the engine's own `json.message`.
 */
export interface EngineClient {
  version(): Promise<EngineVersion>;
  /** undefined when the engine does not have the image (404). */
  inspectImage(ref: string): Promise<ImageInspect | undefined>;
  /** Containers, running or not, that carry every label in `labels` ("key" or "key=value"). */
  listContainers(labels: readonly string[]): Promise<ContainerSummary[]>;
  /** Creates a container (spec.name, if any, names it); returns its id. */
  createContainer(spec: ContainerCreateOptions): Promise<string>;
  /** The container's stdin, stdout and stderr on one hijacked connection (attach before start). */
  attach(id: string): Promise<Duplex>;
  start(id: string): Promise<void>;
  resize(id: string, size: { h: number; w: number }): Promise<void>;
  kill(id: string, signal: string): Promise<void>;
  /** Resolves once the container is not running, with its exit code. */
  wait(id: string): Promise<{ StatusCode: number }>;
  inspectContainer(id: string): Promise<ContainerInspect>;
  /** Removes the container and its anonymous volumes, running or not; a container already gone is no failure. */
  remove(id: string): Promise<void>;
  /** The container's filesystem as a tar stream. */
  export(id: string): Promise<Readable>;
}

const VersionSchema = z.object({ Version: z.string().optional(), ApiVersion: z.string().optional() }).passthrough();
const ImageInspectSchema = z.object({ Id: z.string(), Config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).passthrough().nullish() }).passthrough();
const ContainerSummarySchema = z.object({ Id: z.string(), State: z.string(), Labels: z.record(z.string(), z.string()).nullish() }).passthrough();
const CreatedSchema = z.object({ Id: z.string() }).passthrough();
const WaitSchema = z.object({ StatusCode: z.number().int() }).passthrough();
const ContainerInspectSchema = z.object({ State: z.object({ OOMKilled: z.boolean().optional() }).passthrough().nullish() }).passthrough();

export type EngineVersion = z.infer<typeof VersionSchema>;
export type ImageInspect = z.infer<typeof ImageInspectSchema>;
export type ContainerSummary = z.infer<typeof ContainerSummarySchema>;
export type ContainerInspect = z.infer<typeof ContainerInspectSchema>;

/** An answer the engine gave with a failing status, shaped as dockerode's. */
export interface EngineFailure extends Error {
  statusCode: number;
  json: { message?: string };
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export function createEngineClient(options: { socketPath: string }): EngineClient {
  const { socketPath } = options;
  const target = (c: Call) => {
    const q = c.query === undefined ? '' : `?${new URLSearchParams(c.query).toString()}`;
    return `${c.path}${q}`;
  };

  /** Sends a call; resolves with the response once its status is 2xx (or one of `ok`). */
  const send = (c: Call, ok: readonly number[] = []): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const body = c.body === undefined ? undefined : JSON.stringify(c.body);
      const req = request({ socketPath, method: c.method, path: target(c), headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      req.once('error', reject);
      req.once('response', (res) => {
        const status = res.statusCode ?? 0;
        if ((status >= 200 && status < 300) || ok.includes(status)) return resolve(res);
        readAll(res).then((text) => reject(failure(status, text, `${c.method} ${c.path}`)), reject);
      });
      req.end(body);
    });

  /** The checked answer; undefined for a status in `ok` that is not 2xx. */
  const json = async <T>(schema: z.ZodType<T>, c: Call, ok: readonly number[] = []): Promise<T | undefined> => {
    const res = await send(c, ok);
    const text = await readAll(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw failure(status, `not JSON: ${text.slice(0, 200)}`, `${c.method} ${c.path}`);
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) throw failure(status, `an answer of another shape (${checked.error.issues[0]?.message ?? 'invalid'})`, `${c.method} ${c.path}`);
    return checked.data;
  };

  const drained = async (c: Call, ok: readonly number[] = []): Promise<void> => {
    await readAll(await send(c, ok));
  };

  const id = (value: string) => encodeURIComponent(value);

  return {
    version: async () => (await json(VersionSchema, { method: 'GET', path: '/version' })) as EngineVersion,
    inspectImage: (ref) => json(ImageInspectSchema, { method: 'GET', path: `/images/${encodeURI(ref)}/json` }, [404]),
    listContainers: async (labels) => {
      const query = { all: '1', filters: JSON.stringify({ label: [...labels] }) };
      return (await json(z.array(ContainerSummarySchema), { method: 'GET', path: '/containers/json', query })) ?? [];
    },
    createContainer: async (spec) => {
      const { name, ...body } = spec as ContainerCreateOptions & { name?: string };
      const created = await json(CreatedSchema, { method: 'POST', path: '/containers/create', ...(name === undefined ? {} : { query: { name } }), body });
      return (created as { Id: string }).Id;
    },
    attach: (container) =>
      new Promise((resolve, reject) => {
        const req = request({
          socketPath, method: 'POST', path: target({ method: 'POST', path: `/containers/${id(container)}/attach`, query: { stream: '1', stdin: '1', stdout: '1', stderr: '1' } }),
          headers: { connection: 'Upgrade', upgrade: 'tcp' },
        });
        req.once('error', reject);
        req.once('upgrade', (_res, socket, head) => {
          if (head.length > 0) socket.unshift(head);
          resolve(socket);
        });
        // An engine that does not switch protocols answers with its failure.
        req.once('response', (res) => {
          readAll(res).then((text) => reject(failure(res.statusCode ?? 0, text, 'POST attach')), reject);
        });
        req.end();
      }),
    start: (container) => drained({ method: 'POST', path: `/containers/${id(container)}/start` }, [304]),
    resize: (container, size) => drained({ method: 'POST', path: `/containers/${id(container)}/resize`, query: { h: String(size.h), w: String(size.w) } }),
    kill: (container, signal) => drained({ method: 'POST', path: `/containers/${id(container)}/kill`, query: { signal } }),
    wait: async (container) => (await json(WaitSchema, { method: 'POST', path: `/containers/${id(container)}/wait`, query: { condition: 'not-running' } })) as { StatusCode: number },
    inspectContainer: async (container) => (await json(ContainerInspectSchema, { method: 'GET', path: `/containers/${id(container)}/json` })) as ContainerInspect,
    remove: (container) => drained({ method: 'DELETE', path: `/containers/${id(container)}`, query: { force: '1', v: '1' } }, [404, 409]),
    export: (container) => send({ method: 'GET', path: `/containers/${id(container)}/export` }),
  };
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

function failure(statusCode: number, text: string, doing: string): EngineFailure {
  let message: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  message ??= text.trim() || `status ${statusCode}`;
  return Object.assign(new Error(`${doing}: (HTTP ${statusCode}) ${message}`), { statusCode, json: { message } });
}
