import { z } from 'zod';
import { AirlockError } from '../../core/index.js';
import type { Logger } from '../../core/index.js';
import type { ChainedRecord } from '../chain/index.js';
import { createHttpPoster, statusError } from './http-post.js';
import { eventJson, eventTimeMs, severityOf, stringField } from './record-fields.js';
import type { AuditSinkTarget } from './types.js';

/** OTLP AnyValue (opentelemetry/proto/common/v1): int64 travels as a decimal string in JSON. */
type AnyValue = { stringValue: string } | { intValue: string };
interface KeyValue {
  key: string;
  value: AnyValue;
}

/** Opentelemetry logs SeverityNumber: INFO is 9, WARN is 13. */
const SEVERITY = { info: { number: 9, text: 'INFO' }, warning: { number: 13, text: 'WARN' } } as const;

export interface OtlpFormatOptions {
  /** Resource host.name for events without actor.host. */
  hostname: string;
  nowMs: () => number;
}

/**
 * An ExportLogsServiceRequest in the OTLP/JSON encoding (OTLP spec, "JSON Protobuf
 * Encoding": lowerCamelCase names, int64 as strings, enums as numbers). Records are grouped
 * into one ResourceLogs per actor.host (the resource is the machine the session ran on),
 * in order of first appearance, keeping seq order within each group; a session runs on one
 * host, so its order is kept. The body is the event's RFC 8785 JSON.
 */
export function otlpLogsRequest(records: readonly ChainedRecord[], options: OtlpFormatOptions): { resourceLogs: unknown[] } {
  const observed = nanos(options.nowMs());
  const byHost = new Map<string, unknown[]>();
  for (const record of records) {
    const host = stringField(record.event, 'actor', 'host') ?? options.hostname;
    const group = byHost.get(host) ?? [];
    group.push(logRecord(record, observed));
    byHost.set(host, group);
  }
  return {
    resourceLogs: [...byHost].map(([host, logRecords]) => ({
      resource: { attributes: [text('service.name', 'airlock'), text('host.name', host)] },
      scopeLogs: [{ scope: { name: 'airlock.audit' }, logRecords }],
    })),
  };
}

function logRecord(record: ChainedRecord, observed: string): unknown {
  const { event } = record;
  const severity = SEVERITY[severityOf(event)];
  const ms = eventTimeMs(event);
  const optional: [string, string | undefined][] = [
    ['airlock.actor.user', stringField(event, 'actor', 'user')],
    ['airlock.tool.name', stringField(event, 'tool', 'name')],
    ['airlock.decision', stringField(event, 'decision')],
  ];
  return {
    // 0 is "unknown" in the proto; an event without a valid time says so.
    timeUnixNano: ms === undefined ? '0' : nanos(ms),
    observedTimeUnixNano: observed,
    severityNumber: severity.number,
    severityText: severity.text,
    body: { stringValue: eventJson(event) },
    attributes: [
      text('airlock.event.id', stringField(event, 'id') ?? ''),
      text('airlock.event.type', String(event.type)),
      text('airlock.session.id', stringField(event, 'sessionId') ?? ''),
      { key: 'airlock.seq', value: { intValue: String(record.seq) } },
      text('airlock.hash', record.hash),
      ...optional.flatMap(([key, value]) => (value === undefined ? [] : [text(key, value)])),
    ],
  };
}

function text(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

function nanos(ms: number): string {
  return (BigInt(Math.trunc(ms)) * 1_000_000n).toString();
}

/** ExportLogsServiceResponse: partial success means some records were refused for good. */
const ExportResponseSchema = z.object({
  partialSuccess: z.object({ rejectedLogRecords: z.union([z.string(), z.number()]).optional(), errorMessage: z.string().optional() }).optional(),
});

/** OTLP/HTTP "Failures": the client retries these and MUST NOT retry any other status. */
const OTLP_RETRYABLE = new Set([429, 502, 503, 504]);

export interface OtlpTargetOptions extends OtlpFormatOptions {
  name: string;
  url: string;
  /** Sent with every request (e.g. an API key); never put in a message. */
  headers?: Record<string, string> | undefined;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * Sends records to an OTLP/HTTP logs endpoint (POST, application/json). deliver() resolves
 * on a 2xx answer. Per the OTLP spec, 429, 502, 503 and 504 are retryable: rejects with
 * 'AUDIT_UNAVAILABLE'; 400 and every other status mean the request will never pass:
 * rejects with 'CONFIG_INVALID' and the collector's message (the forwarder still keeps
 * the records and tries again slowly, as someone may fix the collector). A partial success is not retried (the
 * spec forbids it): the collector's count of refused records is logged as a warning.
 */
export function openOtlpTarget(options: OtlpTargetOptions): AuditSinkTarget {
  const url = new URL(options.url);
  const poster = createHttpPoster(url, 'OTLP collector', options.timeoutMs);
  const headers = { ...options.headers, 'content-type': 'application/json' };
  let closed = false;
  return {
    name: options.name,
    async deliver(records) {
      if (closed) throw new AirlockError('INTERNAL', `the audit sink ${options.name} is closed`);
      if (records.length === 0) return;
      const result = await poster.post(JSON.stringify(otlpLogsRequest(records, options)), headers);
      if (result.status < 200 || result.status > 299) {
        throw statusError({ what: 'OTLP collector', url, result, retryable: OTLP_RETRYABLE.has(result.status) });
      }
      const rejected = partialRejections(result.body);
      if (rejected !== undefined) options.logger.warn(`the OTLP collector of audit sink ${options.name} accepted a batch but dropped ${rejected}; they are not sent again (OTLP forbids retrying a partial success)`);
    },
    close() {
      closed = true;
      poster.close();
      return Promise.resolve();
    },
  };
}

function partialRejections(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body === '' ? '{}' : body);
  } catch {
    return undefined;
  }
  const partial = ExportResponseSchema.safeParse(parsed).data?.partialSuccess;
  const count = Number(partial?.rejectedLogRecords ?? 0);
  if (!(count > 0)) return undefined;
  return `${String(count)} records${partial?.errorMessage ? ` (${partial.errorMessage})` : ''}`;
}
