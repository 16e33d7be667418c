import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTick } from 'node:timers/promises';
import { modelsAnswer } from './models.js';
import type { PlanOptions } from './plan.js';
import { planReply } from './plan.js';
import { countAnthropicTokens } from './protocols/anthropic.js';
import { countGeminiTokens } from './protocols/gemini.js';
import type { SseEvent } from './protocols/protocol.js';
import type { RecordedRequest, Recorder } from './record.js';
import { copyHeaders, createRecorder } from './record.js';
import type { Route } from './router.js';
import { matchRoute, routeName } from './router.js';
import { openSse, parseBody, readBody, sendJson } from './http-io.js';
import type { Scenario } from './scenario.js';

/** Where write steps resolve relative paths when neither the options nor the scenario say. */
export const DEFAULT_WORKDIR = '/workspace';

export interface ModelServerOptions {
  scenario: Scenario;
  /** Overrides the scenario's workdir. */
  workdir?: string;
  /** Appends each recorded request to this file as one JSON line. */
  recordFile?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Serve HTTPS with this certificate and key (PEM) instead of plain HTTP. */
  tls?: { certPem: string; keyPem: string };
  /** Called when the record file cannot be written or a handler fails. */
  onError?: (error: unknown) => void;
}

/** The request handler and its records, not bound to any socket. */
export interface ModelServer {
  listener: RequestListener;
  requests(): RecordedRequest[];
  flush(): Promise<void>;
}

/** A listening model server; close() stops it and waits for the record file. */
export interface ModelServerHandle {
  url: string;
  port: number;
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

type Answer = { status: number; json: unknown } | { status: 200; events: SseEvent[] };

function answer(route: Route, body: unknown, plan: PlanOptions): Answer {
  const { protocol } = route;
  if (route.kind === 'models') return { status: 200, json: modelsAnswer(protocol.name, route.model) };
  if (route.kind === 'count-tokens') return { status: 200, json: protocol.name === 'gemini' ? countGeminiTokens(body) : countAnthropicTokens(body) };
  if (route.kind === 'not-found') return { status: 404, json: protocol.error(404, 'the scripted model server has no such endpoint') };
  const read = protocol.read(body, route.hints);
  if (!read.ok) return { status: 400, json: protocol.error(400, `the scripted model server cannot read this request: ${read.message}`) };
  const reply = planReply(read.turn, plan);
  return read.turn.stream ? { status: 200, events: protocol.events(reply, read.turn) } : { status: 200, json: protocol.message(reply, read.turn) };
}

async function writeEvents(res: ServerResponse, events: SseEvent[]): Promise<void> {
  const stream = openSse(res);
  for (const e of events) {
    // One write per event, yielding between them: clients see a real stream, not one blob.
    stream.send(e);
    await nextTick();
  }
  stream.end();
}

async function handle(req: IncomingMessage, res: ServerResponse, plan: PlanOptions, recorder: Recorder): Promise<void> {
  const raw = await readBody(req);
  const path = req.url ?? '/';
  const route = matchRoute(req.method ?? 'GET', path, req.headers);
  const body = raw === null ? undefined : parseBody(raw, req.headers['content-encoding']);
  const result: Answer = raw === null ? { status: 413, json: route.protocol.error(413, 'request body too large') } : answer(route, body, plan);
  const headers = copyHeaders(req.headers);
  recorder.add({ time: new Date().toISOString(), method: req.method ?? '', path, headers, body, route: routeName(route), status: result.status });
  if ('events' in result) await writeEvents(res, result.events);
  else sendJson(res, result.status, result.json);
}

/** Builds the handler in memory; serve it with any http(s) server. */
export function createModelServer(options: ModelServerOptions): ModelServer {
  const onError = options.onError ?? (() => {});
  const recorder = createRecorder(options.recordFile, onError);
  const plan: PlanOptions = { scenario: options.scenario, workdir: options.workdir ?? options.scenario.workdir ?? DEFAULT_WORKDIR };
  const listener: RequestListener = (req, res) => {
    handle(req, res, plan, recorder).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'scripted model server failed' } });
      else res.destroy();
    });
  };
  return { listener, requests: () => recorder.list(), flush: () => recorder.flush() };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error(`unexpected listening address ${String(address)}`));
      else resolve(address);
    });
  });
}

/** Listens on host:port (default 127.0.0.1:0) over HTTP, or HTTPS with options.tls. */
export async function openModelServer(options: ModelServerOptions): Promise<ModelServerHandle> {
  const model = createModelServer(options);
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, model.listener)
    : createHttpServer(model.listener);
  const host = options.host ?? '127.0.0.1';
  const address = await listen(server, options.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${address.port}`,
    port: address.port,
    requests: model.requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await model.flush();
    },
  };
}
