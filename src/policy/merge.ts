import type { OrgPolicyFile, Policy, Tool } from './schema.js';

/** Applies the org file over the built-in policy: a present field replaces the built-in one. */
export function mergeOrgPolicy(base: Policy, org: OrgPolicyFile): Policy {
  const tools: Record<string, Tool> = org.tools === undefined ? { ...base.tools } : {};
  for (const [name, tool] of Object.entries(org.tools ?? {})) {
    tools[name] = { ...tool, env: tool.env ?? {} } as Tool;
  }
  return {
    version: 1,
    sandbox: { ...base.sandbox, ...org.sandbox },
    limits: { ...base.limits, ...org.limits },
    tools,
    egress: { ...base.egress, ...org.egress },
    credentials: org.credentials ?? base.credentials,
    tls: { ...base.tls, ...org.tls },
    images: { ...base.images, ...org.images },
    workspace: { ...base.workspace, ...org.workspace },
    dlp: { ...base.dlp, ...org.dlp },
    audit: { ...base.audit, ...org.audit },
  };
}
