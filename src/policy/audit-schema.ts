import { z } from 'zod';
import { CredentialSourceSchema } from './egress-schema.js';

const AbsolutePath = z.string().regex(/^\/(?!.*(^|\/)\.\.?(\/|$)).*$/, 'must be an absolute path without "." or ".." segments');

export const AuditStoreSchema = z.discriminatedUnion('kind', [
  /** The embedded store; path defaults to AIRLOCK_HOME/audit/audit.db. */
  z.strictObject({ kind: z.literal('sqlite'), path: AbsolutePath.optional() }),
  /** A central PostgreSQL; the password comes from a credential source, never the URL. */
  z.strictObject({
    kind: z.literal('postgres'),
    url: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).refine((u) => new URL(u).password === '', 'put the password in audit.store.password (a credential source), not in the URL'),
    password: CredentialSourceSchema.optional(),
  }),
]);
export type AuditStorePolicy = z.infer<typeof AuditStoreSchema>;

/** RFC 5424 section 6.2.1 facility names (their numbers are their position). */
const SYSLOG_FACILITY_NAMES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'audit', 'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** Names a sink's cursor: lowercase so that `sink:SIEM` and `sink:siem` cannot both exist. */
const SinkName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-", at most 63');
const MIB = 1024 * 1024;
const sinkUrl = (path: string) => z.url({ protocol: /^https?$/, error: `an http:// or https:// URL, e.g. http://127.0.0.1:4318${path}` });

export const AuditSinkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('jsonl'),
    name: SinkName.optional(),
    path: AbsolutePath,
    /** The file is rotated before a batch would make it larger than this. */
    maxBytes: z.int().min(4096).default(100 * MIB),
    /** Rotated files kept: path.1 (newest) … path.<keep> (oldest). */
    keep: z.int().min(0).max(1000).default(5),
  }),
  z
    .strictObject({
      kind: z.literal('syslog'),
      name: SinkName.optional(),
      host: z.string().min(1),
      port: z.int().min(1).max(65_535),
      /** RFC 5425 syslog over TLS; the server is verified against caFile, else the system CAs. */
      tls: z.boolean().default(false),
      caFile: AbsolutePath.optional(),
      /** RFC 5424 APP-NAME: 1 to 48 printable US-ASCII characters. */
      appName: z.string().regex(/^[\x21-\x7e]{1,48}$/, '1 to 48 printable ASCII characters, no spaces').default('airlock'),
      facility: z.union([z.enum(SYSLOG_FACILITY_NAMES), z.int().min(0).max(23)]).default('local0'),
    })
    .refine((c) => c.caFile === undefined || c.tls, { message: 'caFile needs tls: true', path: ['caFile'] }),
  z.strictObject({
    kind: z.literal('otlp'),
    name: SinkName.optional(),
    /** The OTLP/HTTP logs endpoint, e.g. http://127.0.0.1:4318/v1/logs. */
    url: sinkUrl('/v1/logs'),
    /** Extra request headers (e.g. a collector's API key); never logged. */
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name'), z.string()).optional(),
  }),
  z.strictObject({
    kind: z.literal('hec'),
    name: SinkName.optional(),
    /** The HEC event endpoint, e.g. https://splunk.example:8088/services/collector/event. */
    url: sinkUrl('/services/collector/event'),
    token: CredentialSourceSchema,
  }),
]);
export type AuditSinkPolicy = z.infer<typeof AuditSinkSchema>;

/** The whole list: names (defaulting to the kind) must be distinct, each has one cursor. */
export const AuditSinksSchema = z.array(AuditSinkSchema).superRefine((sinks, ctx) => {
  const seen = new Set<string>();
  sinks.forEach((sink, i) => {
    const name = sink.name ?? sink.kind;
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two sinks are named "${name}": give each its own name` });
    seen.add(name);
  });
});

export const AuditSchema = z.strictObject({
  store: AuditStoreSchema,
  /**
   * When the log cannot be written: closed (the session gets no more egress and ends) or
   * open (events wait in memory and are written when the store is back).
   */
  failMode: z.enum(['closed', 'open']),
  /** A signed Merkle checkpoint every N events or T seconds, and at every session end. */
  checkpoint: z.strictObject({ everyEvents: z.int().min(1).max(1_000_000), everySeconds: z.int().min(1).max(86_400) }),
  /** The session's full patch is stored up to this many bytes (then cut, and marked so). */
  maxPatchBytes: z.int().min(0).max(1_073_741_824),
  /** Where events are also delivered, at least once, from the store. */
  sinks: AuditSinksSchema,
});
export type AuditPolicy = z.infer<typeof AuditSchema>;
