import type { PolicyIssue } from './issues.js';
import type { Policy } from './schema.js';

/** Paths the sandbox itself owns; an extra mount may not cover them. */
const RESERVED_TARGETS = ['/', '/workspace', '/tmp', '/home', '/proc', '/dev', '/sys', '/run/airlock', '/etc', '/usr'];

function covers(parent: string, child: string): boolean {
  return parent === '/' || child === parent || child.startsWith(`${parent}/`);
}

/** Cross-field rules the schema cannot express. */
export function checkPolicyRules(file: string, policy: Policy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const seen = new Set<string>();
  policy.sandbox.mounts.forEach((m, i) => {
    const path = `sandbox.mounts.${i}.target`;
    if (seen.has(m.target)) issues.push({ file, path, message: `${m.target} is mounted twice` });
    seen.add(m.target);
    const reserved = RESERVED_TARGETS.find((r) => covers(m.target, r) || (r !== '/' && covers(r, m.target)));
    if (reserved !== undefined) {
      issues.push({ file, path, message: `${m.target} overlaps ${reserved}, which the sandbox manages itself; pick another target such as /data` });
    }
  });
  checkCredentialRules(file, policy, issues);
  return issues;
}

function checkCredentialRules(file: string, policy: Policy, issues: PolicyIssue[]): void {
  const names = new Set<string>();
  const envs = new Map<string, string>();
  policy.credentials.forEach((route, i) => {
    if (names.has(route.name)) issues.push({ file, path: `credentials.${i}.name`, message: `the route name ${route.name} is used twice` });
    names.add(route.name);
    route.placeholderEnv.forEach((env, j) => {
      const other = envs.get(env);
      if (other !== undefined) issues.push({ file, path: `credentials.${i}.placeholderEnv.${j}`, message: `${env} already holds the placeholder of route ${other}` });
      envs.set(env, route.name);
    });
  });
}
