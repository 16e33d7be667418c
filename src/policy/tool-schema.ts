import { z } from 'zod';
import { EgressRuleSchema, EnvNameSchema } from './egress-schema.js';

/** A path under the sandbox user's home: relative, no "." or ".." segments. */
const HomePathSchema = z
  .string()
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\0]+$/, 'a path relative to the home directory, without "." or ".." segments');

/** The npm package an agent is installed from, pinned by exact version and integrity. */
export const ToolPackageSchema = z.strictObject({
  name: z.string().regex(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/, 'an npm package name, e.g. @scope/name'),
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'an exact version (1.2.3), never a range'),
  /** The registry's `dist.integrity` of that version (Subresource Integrity, sha512). */
  integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/, 'a sha512 integrity string as npm prints it (npm view PKG@VERSION dist.integrity)'),
  /** Run install scripts (some agents link a platform binary in postinstall): in a container with no network, never on the host. */
  installScripts: z.boolean().default(false),
});
export type ToolPackage = z.infer<typeof ToolPackageSchema>;

/** How a tool reaches its model: the credential route it uses and the variables it reads. */
export const ToolCredentialSchema = z.strictObject({
  /** Name of a route in `credentials:` (its placeholder goes into apiKeyEnv). */
  route: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  /** Variables the tool reads its API key from: they get the route's placeholder. */
  apiKeyEnv: z.array(EnvNameSchema).default([]),
  /** Variables the tool reads its base URL from: they get the route's base URL inside. */
  baseUrlEnv: z.array(EnvNameSchema).default([]),
});
export type ToolCredential = z.infer<typeof ToolCredentialSchema>;

export const ToolSchema = z.strictObject({
  description: z.string().optional(),
  /** Image reference the docker driver runs (tag or digest); for a packaged tool, the one `airlock images build` makes. */
  image: z.string().min(1),
  /** argv prefix of the tool; `airlock run TOOL -- ARGS` appends ARGS. */
  entrypoint: z.array(z.string().min(1)).min(1),
  /** Variables set inside the sandbox for this tool (its update and telemetry switches among them). */
  env: z.record(EnvNameSchema, z.string()),
  /** The npm package the tool's image is built from; absent for tools that are just an image. */
  package: ToolPackageSchema.optional(),
  credential: ToolCredentialSchema.optional(),
  /** Files written into the sandbox home before the tool starts (its quiet settings), path -> content. */
  files: z.record(HomePathSchema, z.string()).default({}),
  /** Hosts the tool needs, allowed while it runs (besides its credential route's hosts). */
  egress: z.array(EgressRuleSchema).default([]),
  /** Hosts it checks for updates or phones home to: denied while it runs, whatever else allows them. */
  updateHosts: z.array(z.string().min(1)).default([]),
  /**
   * Directories directly in the home kept between this user's sessions of this tool
   * (never the host's own). Top level only: a mount deeper down would leave its parents
   * owned by root, where the tool cannot write.
   */
  persist: z.array(z.string().regex(/^(?!\.\.?$)[^/\0]+$/, 'a directory directly in the home, e.g. .claude (no "/")')).default([]),
});
export type Tool = z.infer<typeof ToolSchema>;

/** Which tools must run from an image in the signed catalog. */
export const ImagesSchema = z.strictObject({
  /** all: every tool; packaged: tools built from a package (the agents). */
  requireApproval: z.enum(['all', 'packaged']),
  /** PEM public key that must verify the catalog; default: this machine's approval key. */
  publicKeyFile: z.string().startsWith('/').optional(),
  /** The signed catalog; default AIRLOCK_HOME/images/catalog.json. */
  catalogFile: z.string().startsWith('/').optional(),
});
export type ImagesPolicy = z.infer<typeof ImagesSchema>;
