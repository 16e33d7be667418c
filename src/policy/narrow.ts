import type { PolicyIssue } from './issues.js';
import type { Limits, Policy, RepoPolicyFile } from './schema.js';

export type NarrowResult = { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] };

/**
 * Applies a repo policy, which may only narrow the org policy. Anything that would
 * widen it (a tool or mount the org does not list, a higher limit, read-write over
 * read-only, a different driver than the org fixed) is an issue, never ignored.
 */
export function narrowPolicy(file: string, org: Policy, repo: RepoPolicyFile): NarrowResult {
  const issues: PolicyIssue[] = [];
  const tools = narrowTools(file, org, repo, issues);
  const limits = narrowLimits(file, org.limits, repo.limits ?? {}, issues);
  const sandbox = { ...org.sandbox };
  const r = repo.sandbox ?? {};
  if (r.repo !== undefined) {
    if (org.sandbox.repo === 'read-only' && r.repo === 'read-write') {
      issues.push({ file, path: 'sandbox.repo', message: 'the org policy mounts the repository read-only; a repo policy cannot make it read-write' });
    } else sandbox.repo = r.repo;
  }
  if (r.driver !== undefined && r.driver !== sandbox.driver) {
    if (org.sandbox.driver !== 'auto') {
      issues.push({ file, path: 'sandbox.driver', message: `the org policy fixes the driver to ${org.sandbox.driver}; a repo policy cannot change it` });
    } else sandbox.driver = r.driver;
  }
  if (r.mounts !== undefined) {
    r.mounts.forEach((target, i) => {
      if (!org.sandbox.mounts.some((m) => m.target === target)) {
        issues.push({ file, path: `sandbox.mounts.${i}`, message: `${target} is not a mount of the org policy; a repo policy can only keep or remove the org's mounts` });
      }
    });
    sandbox.mounts = org.sandbox.mounts.filter((m) => r.mounts?.includes(m.target));
  }
  const egress = narrowEgress(file, org, repo, issues);
  const credentials = narrowCredentials(file, org, repo, issues);
  if (issues.length > 0) return { ok: false, issues };
  const workspace = {
    ...org.workspace,
    masked: [...new Set([...org.workspace.masked, ...(repo.workspace?.masked ?? [])])],
    protected: [...new Set([...org.workspace.protected, ...(repo.workspace?.protected ?? [])])],
    forbidEgress: [...new Set([...org.workspace.forbidEgress, ...(repo.workspace?.forbidEgress ?? [])])],
  };
  return { ok: true, policy: { ...org, sandbox, limits, tools, egress, credentials, workspace } };
}

function narrowEgress(file: string, org: Policy, repo: RepoPolicyFile, issues: PolicyIssue[]): Policy['egress'] {
  const keep = repo.egress?.allow;
  keep?.forEach((host, i) => {
    if (!org.egress.allow.some((r) => r.host === host)) {
      issues.push({ file, path: `egress.allow.${i}`, message: `${host} is not an allow rule of the org policy; a repo policy can only keep or remove the org's rules` });
    }
  });
  const allow = keep === undefined ? org.egress.allow : org.egress.allow.filter((r) => keep.includes(r.host));
  return { ...org.egress, allow, deny: [...org.egress.deny, ...(repo.egress?.deny ?? [])] };
}

function narrowCredentials(file: string, org: Policy, repo: RepoPolicyFile, issues: PolicyIssue[]): Policy['credentials'] {
  if (repo.credentials === undefined) return org.credentials;
  repo.credentials.forEach((name, i) => {
    if (!org.credentials.some((c) => c.name === name)) {
      issues.push({ file, path: `credentials.${i}`, message: `"${name}" is not a credential route of the org policy; a repo policy can only keep or remove them` });
    }
  });
  return org.credentials.filter((c) => repo.credentials?.includes(c.name));
}

function narrowTools(file: string, org: Policy, repo: RepoPolicyFile, issues: PolicyIssue[]): Policy['tools'] {
  if (repo.tools === undefined) return org.tools;
  const kept: Policy['tools'] = {};
  repo.tools.forEach((name, i) => {
    const tool = org.tools[name];
    if (tool === undefined) {
      issues.push({ file, path: `tools.${i}`, message: `"${name}" is not a tool of the org policy; a repo policy can only keep or remove the org's tools` });
    } else kept[name] = tool;
  });
  return kept;
}

function narrowLimits(file: string, org: Limits, repo: Partial<Limits>, issues: PolicyIssue[]): Limits {
  const limits = { ...org };
  for (const key of Object.keys(repo) as (keyof Limits)[]) {
    const value = repo[key];
    if (value === undefined) continue;
    if (value > org[key]) {
      issues.push({ file, path: `limits.${key}`, message: `${value} is above the org limit ${org[key]}; a repo policy may only lower limits` });
    } else limits[key] = value;
  }
  return limits;
}
