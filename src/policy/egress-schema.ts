import { z } from 'zod';
import { DlpActionSchema } from './dlp-schema.js';

const HostPatternSchema = z
  .string()
  .min(1)
  .regex(/^(\*\*?\.)?[a-z0-9]([a-z0-9.:_\[\]-]*[a-z0-9\]])?$/i, 'a host name or IP, optionally starting with "*." (one label) or "**." (any depth)');

const MethodSchema = z.string().regex(/^[A-Z]+$/, 'an HTTP method in upper case, e.g. GET');

/** One egress rule: which host and ports, and for inspected traffic which methods and paths. */
export const EgressRuleSchema = z.strictObject({
  host: HostPatternSchema,
  ports: z.array(z.int().min(1).max(65_535)).min(1).default([443]),
  /** Only for inspected traffic (intercepted or plain HTTP): allowed methods. */
  methods: z.array(MethodSchema).optional(),
  /** Only for inspected traffic: allowed path globs ("*" one segment, "**" any depth). */
  paths: z.array(z.string().startsWith('/')).optional(),
  /** Intercept TLS to read the traffic (per-session CA). */
  inspect: z.boolean().default(false),
  /** The rule names hosts that resolve to loopback, private, link-local or metadata addresses. */
  allowPrivate: z.boolean().default(false),
});
export type EgressRule = z.infer<typeof EgressRuleSchema>;

export const EgressSchema = z.strictObject({
  allow: z.array(EgressRuleSchema),
  /** Deny beats allow. */
  deny: z.array(EgressRuleSchema),
  /** Split-horizon and internal names: host -> IP address, used instead of DNS and trusted as named. */
  resolve: z.record(z.string().min(1), z.union([z.ipv4(), z.ipv6()])),
  /** How much of a request body the proxy reads to inspect it. */
  inspectBodyBytes: z.int().min(1024).max(64 * 1024 * 1024),
  /** A body larger than inspectBodyBytes: block it, or pass it and record "unscanned". */
  overInspectLimit: z.enum(['block', 'pass']),
});
export type Egress = z.infer<typeof EgressSchema>;

/** The name of an environment variable. */
export const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const CredentialSourceSchema = z.union([
  z.strictObject({ env: EnvNameSchema }),
  z.strictObject({ file: z.string().startsWith('/') }),
  z.strictObject({ command: z.array(z.string().min(1)).min(1), ttlSeconds: z.int().min(1).default(300) }),
]);
export type CredentialSource = z.infer<typeof CredentialSourceSchema>;

export const CredentialInjectSchema = z.union([
  /** Put the secret in this header, after `prefix` (e.g. "Bearer "). */
  z.strictObject({ header: z.string().regex(/^[A-Za-z0-9-]+$/), prefix: z.string().default('') }),
  /** HTTP basic auth (git over HTTPS): the secret is the password. */
  z.strictObject({ basicAuth: z.strictObject({ username: z.string().min(1) }) }),
]);
export type CredentialInject = z.infer<typeof CredentialInjectSchema>;

export const CredentialRouteSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower case letters, digits and "-"'),
  /** Hosts this credential may go to; they are allowed on `ports` and intercepted. */
  hosts: z.array(HostPatternSchema).min(1),
  ports: z.array(z.int().min(1).max(65_535)).min(1).default([443]),
  inject: CredentialInjectSchema,
  source: CredentialSourceSchema,
  /** Variables inside the sandbox that get the per-session placeholder. */
  placeholderEnv: z.array(EnvNameSchema).default([]),
  /** Start of the placeholder, for tools that check a key's shape (e.g. "sk-ant-"). */
  placeholderPrefix: z.string().regex(/^[A-Za-z0-9_-]*$/).default('airlock-'),
  /** For base-URL tools: http://127.0.0.1:<port>/_airlock/routes/<name>/... goes here. */
  upstream: z.url({ protocol: /^https$/ }).optional(),
  /** What a high-confidence DLP finding in a request on this route does; dlp.onHigh when absent. */
  dlp: DlpActionSchema.optional(),
});
export type CredentialRoute = z.infer<typeof CredentialRouteSchema>;

export const TlsSchema = z.strictObject({
  /** Extra CA certificates (PEM) trusted for upstream TLS, besides the system roots. */
  upstreamCaFile: z.string().startsWith('/').optional(),
});
export type TlsPolicy = z.infer<typeof TlsSchema>;
