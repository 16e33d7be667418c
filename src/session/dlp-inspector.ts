import type { CredentialRoute, DlpAction, DlpPolicy } from '../policy/index.js';
import type { BodyInspector, BodyRequest, BodyVerdict, HeadVerdict, InspectorEvent, StreamVerdict } from '../proxy/index.js';
import { createStreamScanner, scanBody, scanBuffer, STREAM_OVERLAP_BYTES } from '../dlp/index.js';
import type { Finding, ScanCache, Scanner } from '../dlp/index.js';

export interface DlpInspectorOptions {
  /** Built with every secret this session's routes hold as known secrets. */
  scanner: Scanner;
  /** The session's: a conversation re-sent every turn is scanned once per new message. */
  cache: ScanCache;
  policy: Pick<DlpPolicy, 'onHigh'>;
  routes: readonly CredentialRoute[];
  /** What the sandbox holds instead of the secrets: never a finding, whatever it looks like. */
  placeholders: readonly string[];
}

const PAST: Record<DlpAction, string> = { block: 'blocked', redact: 'redacted', alert: 'alert' };

/**
 * DLP in the proxy: scans each readable request body; a low-confidence finding is only
 * recorded, a high-confidence one blocks the request (EGRESS_SECRET), is redacted, or is
 * only recorded, as the request's credential route says (its `dlp`), else dlp.onHigh.
 * Each finding is a `dlp.secret.<blocked|redacted|alert>` event with the rule, where it
 * was, an HMAC and a masked preview: never the secret.
 */
export function createDlpInspector(options: DlpInspectorOptions): BodyInspector {
  // A streamed body's findings come without their bytes: a placeholder is known by its hash.
  const placeholderHashes = new Set(
    options.placeholders.flatMap((p) => [
      options.scanner.finding(p, { rule: 'placeholder', confidence: 'low', start: 0, end: p.length, shown: 0 }, 0).hmac,
      ...scanBuffer(options.scanner, Buffer.from(p), { lines: false }).map((f) => f.hmac),
    ]),
  );
  return {
    inspect(body, request) {
      const scan = scanBody(options.scanner, body, { cache: options.cache });
      const findings = scan.findings.filter((f) => !isPlaceholder(body, f, options.placeholders));
      if (findings.length === 0) return { allow: true, events: [] };
      const high = findings.filter((f) => f.confidence === 'high');
      const { action: onHigh, rule } = policyFor(options, request);
      const action: DlpAction = high.length === 0 ? 'alert' : onHigh;
      const events = findings.map((f) => findingEvent(f, f.confidence === 'high' ? action : 'alert', request));
      if (action === 'alert') return { allow: true, events };
      if (action === 'block') return blocked(high, request, rule, events);
      const redacted = redact(body, high);
      if (redacted === undefined) {
        return { ...blocked(high, request, rule, []), message: `the request carries ${describe(high)}, which could not be redacted without breaking its JSON; refused instead`, events: events.map((e) => ({ ...e, type: 'dlp.secret.blocked' })) };
      }
      return { allow: true, events, body: redacted };
    },
    stream(request) {
      const scan = createStreamScanner(options.scanner, { lines: false });
      const judge = (found: Finding[]) => judgeUnredactable(options, found.filter((f) => !placeholderHashes.has(f.hmac)), request, 'body');
      return { holdBack: STREAM_OVERLAP_BYTES, write: (chunk) => judge(scan.write(chunk)), end: () => judge(scan.end()) };
    },
    inspectHead(head, request): HeadVerdict {
      const found = scanBuffer(options.scanner, head, { lines: false }).filter((f) => !isPlaceholder(head, f, options.placeholders));
      const verdict = judgeUnredactable(options, found, request, 'head');
      // The first line is the path, which audit events record: never with the secret in it.
      const newline = head.indexOf(0x0a);
      const pathEnd = newline === -1 ? head.length : newline;
      const inPath = found.filter((f) => f.offset < pathEnd).map((f) => ({ ...f, length: Math.min(f.length, pathEnd - f.offset) }));
      const auditPath = inPath.length === 0 ? undefined : redact(head.subarray(0, pathEnd), inPath)?.toString('latin1');
      return auditPath === undefined ? verdict : { ...verdict, auditPath };
    },
  };
}

/**
 * Findings where nothing can be redacted (a streamed body's bytes past the cap, the URL and
 * headers): a high-confidence one stops the request unless policy only alerts.
 */
function judgeUnredactable(options: DlpInspectorOptions, findings: readonly Finding[], request: BodyRequest, part: 'body' | 'head'): StreamVerdict {
  const { action, rule } = policyFor(options, request);
  const high = findings.filter((f) => f.confidence === 'high');
  const stops = high.length > 0 && action !== 'alert';
  const events = findings.map((f) => {
    const e = findingEvent(f, f.confidence === 'high' && stops ? 'block' : 'alert', request);
    return part === 'head' ? { ...e, fields: { ...e.fields, part } } : e;
  });
  if (!stops) return { allow: true, events };
  const where = part === 'head' ? "in its URL or headers, which cannot be redacted; DLP refused it" : 'past egress.inspectBodyBytes, where the body streams and cannot be redacted; DLP cut it off before the secret left';
  return { allow: false, code: 'EGRESS_SECRET', rule, message: `the request to ${request.host} carries ${describe(high)} ${where}`, events };
}

/** What a high-confidence finding does on this request (its route's dlp, else dlp.onHigh), and the policy rule that says so. */
function policyFor(options: DlpInspectorOptions, request: BodyRequest): { action: DlpAction; rule: string } {
  const route = options.routes.find((r) => r.name === request.route);
  return route?.dlp === undefined ? { action: options.policy.onHigh, rule: 'dlp.onHigh' } : { action: route.dlp, rule: `credentials:${route.name}.dlp` };
}

function blocked(high: readonly Finding[], request: BodyRequest, rule: string, events: readonly InspectorEvent[]): BodyVerdict {
  return { allow: false, code: 'EGRESS_SECRET', rule, message: `the request to ${request.host} carries ${describe(high)}; DLP blocks it`, events };
}

function describe(high: readonly Finding[]): string {
  const rules = [...new Set(high.map((f) => f.label ?? f.rule))];
  return `${high.length === 1 ? 'a secret' : `${high.length} secrets`} (${rules.join(', ')})`;
}

function findingEvent(f: Finding, action: DlpAction, request: BodyRequest): InspectorEvent {
  return {
    type: `dlp.secret.${PAST[action]}`,
    fields: {
      rule: f.rule, confidence: f.confidence, offset: f.offset, length: f.length, hmac: f.hmac, preview: f.preview,
      ...(f.label === undefined ? {} : { label: f.label }),
      ...(request.route === undefined ? {} : { route: request.route }),
    },
  };
}

/** A finding whose bytes are (or are inside) a placeholder the sandbox was given. */
function isPlaceholder(body: Buffer, f: Finding, placeholders: readonly string[]): boolean {
  if (placeholders.length === 0) return false;
  const matched = body.toString('latin1', f.offset, f.offset + f.length);
  return placeholders.some((p) => matched.includes(p) || p.includes(matched));
}

export const REDACTION_MARK = 'airlock-redacted';

/**
 * The body with each finding's bytes replaced by `[airlock-redacted:<rule>]` (overlapping
 * findings as one). A JSON body must still parse afterwards; when it would not (a match
 * that crossed a string's quotes), undefined: the caller blocks instead.
 */
export function redact(body: Buffer, findings: readonly Finding[]): Buffer | undefined {
  const spans = [...findings].sort((a, b) => a.offset - b.offset);
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < spans.length; ) {
    const first = spans[i++] as Finding;
    let end = first.offset + first.length;
    for (let next = spans[i]; next !== undefined && next.offset < end; next = spans[++i]) end = Math.max(end, next.offset + next.length);
    parts.push(body.subarray(at, first.offset), Buffer.from(`[${REDACTION_MARK}:${first.rule}]`));
    at = end;
  }
  parts.push(body.subarray(at));
  const out = Buffer.concat(parts);
  // One parse in the usual case: the redacted body's. The original is parsed only when that fails.
  return isJson(out) || !isJson(body) ? out : undefined;
}

function isJson(body: Buffer): boolean {
  const first = body.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first !== 0x7b && first !== 0x5b) return false;
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
