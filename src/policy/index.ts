/**
 * policy: decides what may run and how. Loads the org policy (AIRLOCK_HOME/policy.yaml,
 * else the built-in defaults) and narrows it with a repo's .airlock/policy.yaml.
 * Failure: POLICY_INVALID (exit 78) listing every error as `file:dot.path: message`.
 * Invariant: a repo layer can never widen the org policy; unknown keys are errors.
 */
export { loadEffectivePolicy, builtInPolicy, BUILT_IN_SOURCE, REPO_POLICY_PATH } from './load.js';
export type { EffectivePolicy, LoadPolicyOptions } from './load.js';
export { DEFAULT_POLICY_YAML } from './defaults.js';
export { formatIssue } from './issues.js';
export type { PolicyIssue } from './issues.js';
export type { AuditPolicy, AuditSinkPolicy, AuditStorePolicy } from './schema.js';
export type { Policy, Tool, ToolPackage, ToolCredential, ImagesPolicy, Limits, WorkspacePolicy, Mount, DriverName, SandboxPolicy, Egress, EgressRule, CredentialRoute, CredentialSource, CredentialInject, TlsPolicy, DlpAction, DlpPolicy } from './schema.js';

/** JSON Schemas of the policy files, generated from the zod schemas (loaded on demand). */
export async function policyJsonSchemas(): Promise<Record<string, unknown>> {
  return (await import('./json-schema.js')).policyJsonSchemas();
}
