import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SecureContext } from 'node:tls';
import type { Secret } from '../core/index.js';
import type { BodyRequest, BodyStreamInspection, BodyVerdict, HeadVerdict, InspectorEvent, ProxyContext } from './context.js';
import { auditGate, emit } from './context.js';
import { injectCredential } from './credentials/inject.js';
import { createScrubber, scrubText } from './credentials/scrub.js';
import { denialOf } from './deny-codes.js';
import type { Denial } from './deny-codes.js';
import { decideRequest } from './egress/decide.js';
import { resolveTarget } from './egress/resolve.js';
import type { Resolved } from './egress/resolve.js';
import { sendDenial } from './http/deny-response.js';
import { endToEndHeaders } from './http/hop-by-hop.js';
import { relayBody } from './http/relay-body.js';
import { contentCodings, decodeRequestBody } from './http/request-encoding.js';
import { pipeInspected } from './stream-inspect.js';
import type { BodyRead, InspectedRequest } from './inspected.js';
import { bodyMisuse, headerMisuse, loggedPath, readForInspection } from './inspected.js';
import { armConnectTimeout, hostHeader, pinnedLookup, serverName, timeoutError } from './upstream.js';

function deny(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, r: InspectedRequest, d: Denial): void {
  emit(ctx, d.code === 'CREDENTIAL_MISUSE' ? 'credential.misuse' : 'net.request.denied', {
    decision: 'deny', code: d.code, rule: d.rule, method: req.method, host: r.target.host, port: r.target.port, path: loggedPath(r), mode: r.mode,
  });
  sendDenial(res, d);
}

/** Checks, then forwards one inspected request upstream, streaming both ways. */
export async function forwardInspected(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, r: InspectedRequest): Promise<void> {
  const method = req.method ?? 'GET';
  const decision = auditGate(ctx) ?? decideRequest(r.host, method, r.path, r.target);
  if (!decision.allow) return deny(ctx, req, res, r, decision);
  const misuse = headerMisuse(ctx, req, r);
  if (misuse) return deny(ctx, req, res, r, misuse);
  const head = inspectHead(ctx, req, method, r);
  if (head.auditPath !== undefined) r = { ...r, logPath: head.auditPath };
  emitInspectorEvents(ctx, head.events ?? [], method, r);
  if (!head.allow) return deny(ctx, req, res, r, head);
  const read = await readForInspection(req, ctx.policy.egress.inspectBodyBytes, ctx.placeholders.length > 0 || ctx.bodyInspector !== undefined);
  const inspected = read.kind === 'whole' ? await inspectWhole(ctx, req, read.body, method, r) : { body: read, rewritten: false, unscanned: read.kind === 'partial' };
  if (!('body' in inspected)) return deny(ctx, req, res, r, inspected);
  if (inspected.unscanned && ctx.policy.egress.overInspectLimit === 'block') {
    return deny(ctx, req, res, r, { allow: false, code: 'EGRESS_BODY_UNINSPECTABLE', message: `the request body is larger than egress.inspectBodyBytes (${ctx.policy.egress.inspectBodyBytes} bytes) and egress.overInspectLimit is block` });
  }
  const body = inspected.body;
  const resolved = await resolveTarget(r.target.host, { lookup: ctx.lookup, resolveMap: ctx.policy.egress.resolve, allowPrivate: r.host.allowPrivate });
  if (!('ok' in resolved)) return deny(ctx, req, res, r, resolved);
  // Past the cap, a body in plain bytes is still read as it streams, by the inspectors that can.
  const plain = contentCodings(req.headers['content-encoding']).length === 0;
  const stream = read.kind === 'partial' && plain ? ctx.bodyInspector?.stream?.(bodyRequest(method, r)) : undefined;
  const secret = r.host.route === undefined ? undefined : await ctx.credentials.get(r.host.route);
  const tls = r.tls ? await ctx.upstreamTls() : undefined;
  sendUpstream(ctx, req, res, r, { resolved, body, rewritten: inspected.rewritten, unscanned: inspected.unscanned, stream, secret, rule: decision.rule, tls });
}

/** The head inspector's verdict on the path and the header lines (a throw fails closed). */
function inspectHead(ctx: ProxyContext, req: IncomingMessage, method: string, r: InspectedRequest): HeadVerdict {
  if (ctx.bodyInspector?.inspectHead === undefined) return { allow: true, events: [] };
  const lines = [r.path];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i] ?? ''}: ${req.rawHeaders[i + 1] ?? ''}`);
  try {
    return ctx.bodyInspector.inspectHead(Buffer.from(lines.join('\n'), 'latin1'), bodyRequest(method, r));
  } catch (error) {
    return { allow: false, code: 'PROXY_INTERNAL', message: `the request head could not be inspected (${(error as Error).message}); refused` };
  }
}

function bodyRequest(method: string, r: InspectedRequest): BodyRequest {
  return { method, host: r.target.host, port: r.target.port, path: r.path, route: r.host.route?.name };
}

interface InspectedBody {
  body: BodyRead;
  /** An inspector replaced the body (a redaction): it goes upstream decoded, with its own length. */
  rewritten: boolean;
  unscanned: boolean;
}

/**
 * A whole body, decoded (Content-Encoding) as the inspectors read it: the placeholder
 * check, then the body inspector. What goes upstream is the client's bytes, unless an
 * inspector rewrote them.
 */
async function inspectWhole(ctx: ProxyContext, req: IncomingMessage, raw: Buffer, method: string, r: InspectedRequest): Promise<InspectedBody | Denial> {
  const cap = ctx.policy.egress.inspectBodyBytes;
  const decoded = await decodeRequestBody(raw, req.headers['content-encoding'], cap);
  if (decoded.kind === 'unreadable') return { allow: false, code: 'EGRESS_BODY_UNINSPECTABLE', message: `the request body cannot be inspected: ${decoded.why}` };
  if (decoded.kind === 'too-large') return { body: { kind: 'whole', body: raw }, rewritten: false, unscanned: true };
  const misuse = bodyMisuse(ctx, decoded.body, r);
  if (misuse) return misuse;
  const verdict = await inspectBody(ctx, decoded.body, method, r);
  if (!verdict.allow) return verdict;
  if (verdict.body === undefined) return { body: { kind: 'whole', body: raw }, rewritten: false, unscanned: false };
  return { body: { kind: 'whole', body: verdict.body }, rewritten: true, unscanned: false };
}

/** The body inspector's verdict; its events are recorded, a denial's too. A throw fails closed. */
async function inspectBody(ctx: ProxyContext, body: Buffer, method: string, r: InspectedRequest): Promise<Denial | { allow: true; body?: Buffer }> {
  if (ctx.bodyInspector === undefined) return { allow: true };
  let verdict: BodyVerdict;
  try {
    verdict = await ctx.bodyInspector.inspect(body, bodyRequest(method, r));
  } catch (error) {
    return { allow: false, code: 'PROXY_INTERNAL', message: `the request body could not be inspected (${(error as Error).message}); refused` };
  }
  emitInspectorEvents(ctx, verdict.events ?? [], method, r);
  if (!verdict.allow) return denialOf(verdict);
  return verdict.body === undefined ? { allow: true } : { allow: true, body: verdict.body };
}

function emitInspectorEvents(ctx: ProxyContext, events: readonly InspectorEvent[], method: string, r: InspectedRequest): void {
  for (const e of events) emit(ctx, e.type, { host: r.target.host, port: r.target.port, method, path: loggedPath(r), ...e.fields });
}

interface Prepared {
  resolved: Resolved;
  body: BodyRead;
  rewritten: boolean;
  unscanned: boolean;
  /** Reads a body past the cap as it streams (DLP), and may cut it off. */
  stream: BodyStreamInspection | undefined;
  secret: Secret | undefined;
  rule: string;
  tls: SecureContext | undefined;
}

function upstreamHeaders(req: IncomingMessage, r: InspectedRequest, p: Prepared): OutgoingHttpHeaders {
  const { secret } = p;
  const headers = endToEndHeaders(req.headers);
  headers.host = hostHeader(r.target.host, r.target.port, r.tls);
  if (p.rewritten && p.body.kind === 'whole') {
    // A rewritten body is the decoded one, with a length of its own.
    delete headers['content-encoding'];
    headers['content-length'] = String(p.body.body.length);
  }
  if (secret !== undefined && r.host.route !== undefined) {
    injectCredential(headers, r.host.route, secret);
    // Scrubbing needs the bytes as sent: no compressed responses where a secret may echo.
    headers['accept-encoding'] = 'identity';
  }
  return headers;
}

function sendUpstream(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, r: InspectedRequest, p: Prepared): void {
  const started = ctx.clock.nowMs();
  const placeholder = ctx.placeholders.find((ph) => ph.route.name === r.host.route?.name)?.value ?? '[airlock-redacted]';
  const options = {
    host: r.target.host, port: r.target.port, method: req.method, path: r.path, headers: upstreamHeaders(req, r, p),
    lookup: pinnedLookup(p.resolved), servername: serverName(r.target.host),
    agent: r.tls ? ctx.agents.https : ctx.agents.http, ...(p.tls ? { secureContext: p.tls } : {}),
  };
  const upstream = (r.tls ? httpsRequest : httpRequest)(options);
  let bytesUp = 0;
  let bytesDown = 0;
  upstream.on('socket', (s) => {
    s.setNoDelay(true);
    if (!upstream.reusedSocket) armConnectTimeout(s, ctx.limits.connectTimeoutMs, r.tls);
  });
  // An upstream silent for idleTimeoutMs (no answer, a stalled stream) is given up on.
  upstream.setTimeout(ctx.limits.idleTimeoutMs, () => upstream.destroy(timeoutError(`no bytes for ${ctx.limits.idleTimeoutMs} ms`)));
  const total = setTimeout(() => {
    upstream.destroy(timeoutError(`longer than ${ctx.limits.totalTimeoutMs} ms`));
    res.destroy();
  }, ctx.limits.totalTimeoutMs);
  res.once('close', () => clearTimeout(total));
  upstream.on('response', (up) => {
    const headers = endToEndHeaders(up.headers);
    if (p.secret !== undefined) for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') headers[k] = scrubText(v, p.secret.reveal(), placeholder);
    res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
    res.flushHeaders();
    up.on('data', (c: Buffer) => (bytesDown += c.length));
    relayBody(up, res, p.secret === undefined ? {} : { map: createScrubber(p.secret.reveal(), placeholder) });
    up.on('end', () => {
      emit(ctx, 'net.request.completed', {
        decision: 'allow', rule: p.rule, method: req.method, host: r.target.host, port: r.target.port, path: loggedPath(r), status: up.statusCode,
        bytesUp, bytesDown, durationMs: ctx.clock.nowMs() - started, route: r.host.route?.name, mode: r.mode, unscanned: p.unscanned || undefined, streamInspected: p.stream !== undefined || undefined, redacted: p.rewritten || undefined,
      });
      if (r.host.route !== undefined) emit(ctx, 'credential.used', { route: r.host.route.name, host: r.target.host, method: req.method, path: loggedPath(r) });
    });
  });
  // A body cut off by its inspection was answered with the denial: the aborted upstream is no failure.
  let cutOff = false;
  upstream.on('error', (error) => {
    if (!cutOff) failUpstream(ctx, req, res, r, error);
  });
  req.on('data', (c: Buffer) => (bytesUp += c.length));
  if (p.body.kind === 'whole') {
    bytesUp = p.body.body.length;
    upstream.end(p.body.body);
  } else if (p.body.kind === 'partial' && p.stream !== undefined) {
    bytesUp = p.body.head.length;
    pipeInspected(req, upstream, p.body.head, p.stream, {
      onEvents: (events) => emitInspectorEvents(ctx, events, req.method ?? 'GET', r),
      onDenial: (denial) => {
        cutOff = true;
        deny(ctx, req, res, r, denial);
      },
    });
  } else {
    if (p.body.kind === 'partial') {
      bytesUp = p.body.head.length;
      upstream.write(p.body.head);
    }
    relayBody(req, upstream);
  }
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
}

function failUpstream(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, r: InspectedRequest, error: Error): void {
  const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
  emit(ctx, 'net.request.failed', { method: req.method, host: r.target.host, port: r.target.port, path: loggedPath(r), error: code, mode: r.mode });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = `airlock: ${r.target.host}:${r.target.port} failed: ${code}\n`;
  res.writeHead(502, { 'X-Airlock-Error': 'UPSTREAM_FAILED', 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
