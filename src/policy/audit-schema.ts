import { z } from 'zod';
import { CredentialSourceSchema } from './egress-schema.js';

const AbsolutePath = z.string().regex(/^\/(?!.*(^|\/)\.\.?(\/|$)).*$/, 'must be an absolute path without "." or ".." segments');
const SinkName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'sink names are lower case letters, digits and "-", starting with a letter');
const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

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

export const AuditSinkSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('jsonl'), name: SinkName, path: AbsolutePath, maxBytes: z.int().min(4096).default(104_857_600), keep: z.int().min(1).max(1000).default(5) }),
  z.strictObject({
    kind: z.literal('syslog'),
    name: SinkName,
    host: z.string().min(1),
    port: z.int().min(1).max(65_535),
    tls: z.boolean().default(false),
    caFile: AbsolutePath.optional(),
    appName: z.string().regex(/^[!-~]{1,48}$/).default('airlock'),
    facility: z.int().min(0).max(23).default(16),
  }),
  z.strictObject({ kind: z.literal('otlp'), name: SinkName, url: HttpUrl, headers: z.record(z.string(), z.string()).optional() }),
  z.strictObject({ kind: z.literal('hec'), name: SinkName, url: HttpUrl, token: CredentialSourceSchema }),
]);
export type AuditSinkPolicy = z.infer<typeof AuditSinkSchema>;

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
  sinks: z.array(AuditSinkSchema).refine((sinks) => new Set(sinks.map((s) => s.name)).size === sinks.length, 'sink names must be unique'),
});
export type AuditPolicy = z.infer<typeof AuditSchema>;
