import { z } from 'zod';
import type { Secret } from '../../core/index.js';
import type { ChainedRecord } from '../chain/index.js';

/**
 * A receiver of audit records: a file, a syslog server, an OTLP collector, a Splunk HEC.
 * The forwarder calls deliver() with records in seq order, never twice at once, and moves
 * the sink's cursor in the store only after it resolved: so the store is the spool and a
 * receiver that is down only makes the cursor lag.
 */
export interface AuditSinkTarget {
  /** Names the cursor ("sink:<name>") and appears in messages. */
  readonly name: string;
  /**
   * Resolves once the receiver has the records (what that means is each sink's own
   * boundary, documented on its open function). Rejects with AirlockError otherwise:
   * 'AUDIT_UNAVAILABLE' when trying again later may work (receiver down, busy, 5xx),
   * 'CONFIG_INVALID' when it will not until someone changes the configuration or the
   * receiver (HTTP 400/401/403/404, an untrusted certificate). The records stay pending
   * either way.
   */
  deliver(records: readonly ChainedRecord[]): Promise<void>;
  /** Releases files and sockets; deliver() must not be called afterwards. */
  close(): Promise<void>;
}

/** An absolute path without "." or ".." segments: relative to what would be a guess. */
const AbsolutePath = z.string().regex(/^\/(?!.*(^|\/)\.\.?(\/|$)).*$/, 'an absolute path without "." or ".." segments');

/** Where a credential comes from. The caller resolves it (only cli/ reads the environment). */
export const CredentialSourceSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }),
  z.strictObject({ file: AbsolutePath }),
  z.strictObject({ command: z.array(z.string().min(1)).min(1), ttlSeconds: z.int().min(1).default(300) }),
]);
export type CredentialSource = z.infer<typeof CredentialSourceSchema>;

/**
 * Resolves a credential source to its value. Rejects with AirlockError 'CONFIG_INVALID'
 * when the variable is unset or the file unreadable; the message names the source, never
 * the value.
 */
export type ReadSecret = (source: CredentialSource) => Promise<Secret<string>>;

/** RFC 5424 section 6.2.1 facility names and their numbers. */
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

type FacilityName = keyof typeof SYSLOG_FACILITIES;
const FACILITY_NAMES = Object.keys(SYSLOG_FACILITIES) as [FacilityName, ...FacilityName[]];

const MIB = 1024 * 1024;

/** Names a sink's cursor: lowercase so that `sink:SIEM` and `sink:siem` cannot both exist. */
const SinkNameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-", at most 63');

const httpUrl = (path: string) =>
  z.url({ protocol: /^https?$/, error: `an http:// or https:// URL, e.g. http://127.0.0.1:4318${path}` });

export const JsonlSinkConfigSchema = z.strictObject({
  kind: z.literal('jsonl'),
  name: SinkNameSchema.optional(),
  path: AbsolutePath,
  /** The file is rotated before a batch would make it larger than this. */
  maxBytes: z.number().int().min(4096).default(100 * MIB),
  /** Rotated files kept: path.1 (newest) … path.<keep> (oldest). */
  keep: z.number().int().min(0).max(1000).default(5),
});

export const SyslogSinkConfigSchema = z
  .strictObject({
    kind: z.literal('syslog'),
    name: SinkNameSchema.optional(),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    /** RFC 5425 syslog over TLS; the server is verified against caFile, else the system CAs. */
    tls: z.boolean().default(false),
    caFile: AbsolutePath.optional(),
    /** RFC 5424 APP-NAME: 1 to 48 printable US-ASCII characters. */
    appName: z.string().regex(/^[\x21-\x7e]{1,48}$/, '1 to 48 printable ASCII characters, no spaces').default('airlock'),
    facility: z.union([z.enum(FACILITY_NAMES), z.number().int().min(0).max(23)]).default('local0'),
  })
  .refine((c) => c.caFile === undefined || c.tls, { message: 'caFile needs tls: true', path: ['caFile'] });

export const OtlpSinkConfigSchema = z.strictObject({
  kind: z.literal('otlp'),
  name: SinkNameSchema.optional(),
  /** The OTLP/HTTP logs endpoint, e.g. http://127.0.0.1:4318/v1/logs. */
  url: httpUrl('/v1/logs'),
  /** Extra request headers (e.g. a collector's API key); never logged. */
  headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name'), z.string()).optional(),
});

export const HecSinkConfigSchema = z.strictObject({
  kind: z.literal('hec'),
  name: SinkNameSchema.optional(),
  /** The HEC event endpoint, e.g. https://splunk.example:8088/services/collector/event. */
  url: httpUrl('/services/collector/event'),
  token: CredentialSourceSchema,
});

/** One entry of the audit `sinks` configuration. */
export const SinkConfigSchema = z.discriminatedUnion('kind', [
  JsonlSinkConfigSchema,
  SyslogSinkConfigSchema,
  OtlpSinkConfigSchema,
  HecSinkConfigSchema,
]);

/** The whole list: names (defaulting to the kind) must be distinct, each has one cursor. */
export const SinkConfigsSchema = z.array(SinkConfigSchema).superRefine((sinks, ctx) => {
  const seen = new Set<string>();
  sinks.forEach((sink, i) => {
    const name = sinkNameOf(sink);
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two sinks are named "${name}": give each its own name` });
    seen.add(name);
  });
});

export type SinkConfig = z.output<typeof SinkConfigSchema>;
export type JsonlSinkConfig = z.output<typeof JsonlSinkConfigSchema>;
export type SyslogSinkConfig = z.output<typeof SyslogSinkConfigSchema>;
export type OtlpSinkConfig = z.output<typeof OtlpSinkConfigSchema>;
export type HecSinkConfig = z.output<typeof HecSinkConfigSchema>;

/** A sink's name: its own, else its kind. */
export function sinkNameOf(config: { kind: string; name?: string | undefined }): string {
  return config.name ?? config.kind;
}

/** The facility number of a name or number. */
export function facilityNumber(facility: FacilityName | number): number {
  return typeof facility === 'number' ? facility : SYSLOG_FACILITIES[facility];
}
