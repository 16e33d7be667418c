import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, canonicalize, sha256Hex } from '../core/index.js';
import { BUILT_IN_POLICY } from './built-in.js';
import { formatIssue } from './issues.js';
import type { PolicyIssue } from './issues.js';
import { mergeOrgPolicy } from './merge.js';
import { narrowPolicy } from './narrow.js';
import { checkPolicyRules } from './rules.js';
import type { Policy } from './schema.js';

export const BUILT_IN_SOURCE = '<built-in defaults>';
export const REPO_POLICY_PATH = join('.airlock', 'policy.yaml');

export interface EffectivePolicy {
  policy: Policy;
  /** sha256 of the RFC 8785 canonical JSON of `policy`; audit events carry it. */
  hash: string;
  /** The files that shaped it, broadest first. */
  sources: string[];
  /** Tools the org policy defines that the repo policy removed. */
  removedTools: string[];
}

export interface LoadPolicyOptions {
  /** The org policy file; absent means the built-in defaults. */
  orgFile: string;
  /** The repository whose .airlock/policy.yaml narrows the org policy. */
  repoDir?: string;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AirlockError('POLICY_INVALID', `${file}: cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

function fail(issues: PolicyIssue[]): never {
  const n = issues.length;
  throw new AirlockError('POLICY_INVALID', `the policy has ${n} error${n > 1 ? 's' : ''}; fix ${n > 1 ? 'them' : 'it'} and run \`airlock policy check\``, {
    details: issues.map(formatIssue),
  });
}

/** The built-in policy (a test proves it equals DEFAULT_POLICY_YAML parsed). */
export function builtInPolicy(): Policy {
  return structuredClone(BUILT_IN_POLICY);
}

/** The YAML parser and schemas load only when a policy file exists: start-up stays fast. */
const loadParser = async () => {
  const [{ parsePolicyText }, schemas] = await Promise.all([import('./parse-file.js'), import('./schema.js')]);
  return { parsePolicyText, ...schemas };
};

/**
 * Loads the effective policy: built-in defaults, then the org file, then the repo
 * file (narrowing only). Every error of every layer is reported at once as
 * `file:dot.path: message` in a POLICY_INVALID error; nothing falls back silently.
 */
export async function loadEffectivePolicy(options: LoadPolicyOptions): Promise<EffectivePolicy> {
  let policy = builtInPolicy();
  const sources = [BUILT_IN_SOURCE];
  const orgText = await readIfPresent(options.orgFile);
  if (orgText !== undefined) {
    const { parsePolicyText, OrgPolicyFileSchema, PolicySchema } = await loadParser();
    const parsed = parsePolicyText(options.orgFile, orgText, OrgPolicyFileSchema);
    if (!parsed.ok) fail(parsed.issues);
    const merged = PolicySchema.safeParse(mergeOrgPolicy(policy, parsed.value));
    if (!merged.success) fail(merged.error.issues.map((i) => ({ file: options.orgFile, path: i.path.join('.'), message: i.message })));
    policy = merged.data;
    sources.push(options.orgFile);
  }
  const ruleIssues = checkPolicyRules(sources[sources.length - 1] ?? BUILT_IN_SOURCE, policy);
  if (ruleIssues.length > 0) fail(ruleIssues);
  const orgTools = Object.keys(policy.tools);
  if (options.repoDir !== undefined) {
    const repoFile = join(options.repoDir, REPO_POLICY_PATH);
    const repoText = await readIfPresent(repoFile);
    if (repoText !== undefined) {
      const { parsePolicyText, RepoPolicyFileSchema } = await loadParser();
      const parsed = parsePolicyText(repoFile, repoText, RepoPolicyFileSchema);
      if (!parsed.ok) fail(parsed.issues);
      const narrowed = narrowPolicy(repoFile, policy, parsed.value);
      if (!narrowed.ok) fail(narrowed.issues);
      policy = narrowed.policy;
      sources.push(repoFile);
    }
  }
  const removedTools = orgTools.filter((t) => !(t in policy.tools));
  return { policy, hash: sha256Hex(canonicalize(policy)), sources, removedTools };
}
