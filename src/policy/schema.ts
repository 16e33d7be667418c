import { z } from 'zod';
import { AuditSchema } from './audit-schema.js';
import { DlpSchema } from './dlp-schema.js';
import { CredentialRouteSchema, EgressRuleSchema, EgressSchema, TlsSchema } from './egress-schema.js';
import { ImagesSchema, ToolSchema } from './tool-schema.js';
import { RepoWorkspaceSchema, WorkspaceSchema } from './workspace-schema.js';

/** Tool names are what users type after `airlock run`. */
export const ToolNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'tool names are lower case letters, digits and "-", starting with a letter');

const AbsolutePathSchema = z
  .string()
  .regex(/^\/(?!.*(^|\/)\.\.?(\/|$)).*$/, 'must be an absolute path without "." or ".." segments');

export const LimitsSchema = z.strictObject({
  /** Maximum number of processes and threads inside the sandbox. */
  pids: z.int().min(8).max(65_536),
  /** Memory limit in MiB; an allocation past it is killed. */
  memoryMb: z.int().min(32).max(1_048_576),
  /** CPU limit in cores (fractions allowed). */
  cpus: z.number().min(0.1).max(256),
  /** Wall-clock limit of a session; when it passes, the session is stopped. */
  timeoutSeconds: z.int().min(1).max(604_800),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const MountSchema = z.strictObject({
  source: AbsolutePathSchema,
  target: AbsolutePathSchema,
  readOnly: z.boolean(),
});
export type Mount = z.infer<typeof MountSchema>;

export const DriverNameSchema = z.enum(['docker', 'bwrap']);
export type DriverName = z.infer<typeof DriverNameSchema>;

export const SandboxSchema = z.strictObject({
  /** Which driver runs sessions: "auto" picks the first that works (docker, then bwrap). */
  driver: z.enum(['auto', 'docker', 'bwrap']),
  /** Image `airlock exec` runs on the docker driver. */
  image: z.string().min(1),
  /** The uid and gid the agent runs as inside the sandbox. Never 0. */
  uid: z.int().min(1, 'the sandbox never runs as root (uid 0)').max(2_147_483_646),
  gid: z.int().min(1, 'the sandbox never runs with gid 0').max(2_147_483_646),
  /** How the repository is mounted at /workspace. */
  repo: z.enum(['read-write', 'read-only']),
  /** Extra host paths made visible inside the sandbox. */
  mounts: z.array(MountSchema),
});
export type SandboxPolicy = z.infer<typeof SandboxSchema>;

export { ToolSchema, ImagesSchema } from './tool-schema.js';
export type { Tool, ToolPackage, ToolCredential, ImagesPolicy } from './tool-schema.js';

/** The effective policy, after every layer is applied. */
export const PolicySchema = z.strictObject({
  version: z.literal(1),
  sandbox: SandboxSchema,
  limits: LimitsSchema,
  tools: z.record(ToolNameSchema, ToolSchema),
  egress: EgressSchema,
  credentials: z.array(CredentialRouteSchema),
  tls: TlsSchema,
  images: ImagesSchema,
  workspace: WorkspaceSchema,
  dlp: DlpSchema,
  audit: AuditSchema,
});
export type Policy = z.infer<typeof PolicySchema>;

/** The org policy file: every section optional, a present field replaces the built-in one. */
export const OrgPolicyFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  sandbox: SandboxSchema.partial().optional(),
  limits: LimitsSchema.partial().optional(),
  tools: z.record(ToolNameSchema, ToolSchema.partial({ env: true })).optional(),
  images: ImagesSchema.partial().optional(),
  workspace: WorkspaceSchema.partial().optional(),
  dlp: DlpSchema.partial().optional(),
  egress: EgressSchema.partial().optional(),
  credentials: z.array(CredentialRouteSchema).optional(),
  tls: TlsSchema.optional(),
  /** Set by the organisation only: a repo policy has no audit section. */
  audit: AuditSchema.partial().optional(),
});
export type OrgPolicyFile = z.infer<typeof OrgPolicyFileSchema>;

/**
 * The repo policy file (.airlock/policy.yaml). It can only narrow: keep a subset of
 * the org's tools and mounts, lower limits, make the repo read-only, pick a driver
 * where the org leaves it on auto.
 */
export const RepoPolicyFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  /** Names of the org's tools that may run in this repository. */
  tools: z.array(ToolNameSchema).optional(),
  sandbox: z
    .strictObject({
      driver: z.enum(['auto', 'docker', 'bwrap']).optional(),
      repo: z.enum(['read-write', 'read-only']).optional(),
      /** Targets of the org's mounts to keep; the others are removed. */
      mounts: z.array(AbsolutePathSchema).optional(),
    })
    .optional(),
  limits: LimitsSchema.partial().optional(),
  egress: z
    .strictObject({
      /** Host patterns of the org's allow rules to keep; the others are removed. */
      allow: z.array(z.string().min(1)).optional(),
      /** Extra deny rules (denying more is always narrower). */
      deny: z.array(EgressRuleSchema).optional(),
    })
    .optional(),
  /** Names of the org's credential routes to keep. */
  credentials: z.array(z.string().min(1)).optional(),
  /** More paths to mask or protect in this repository (added to the org's). */
  workspace: RepoWorkspaceSchema.optional(),
});
export type RepoPolicyFile = z.infer<typeof RepoPolicyFileSchema>;

export { EgressRuleSchema, CredentialRouteSchema } from './egress-schema.js';
export type { DlpAction, DlpPolicy } from './dlp-schema.js';
export type { AuditPolicy, AuditSinkPolicy, AuditStorePolicy } from './audit-schema.js';
export type { Egress, EgressRule, CredentialRoute, CredentialSource, CredentialInject, TlsPolicy } from './egress-schema.js';
export type { WorkspacePolicy } from './workspace-schema.js';
