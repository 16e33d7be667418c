import type { EgressRule, Policy, Tool } from '../policy/index.js';

/** Inside the sandbox, where a credential route's base URL lives (the bridge's port). */
export function routeBaseUrl(proxyPort: number, route: string): string {
  return `http://127.0.0.1:${proxyPort}/_airlock/routes/${route}`;
}

const UPDATE_PORTS = [80, 443];

/**
 * The policy one session runs under: a route that some tool names serves only that
 * tool's sessions (the others neither hold its placeholder nor need its secret), the
 * tool's key variables get its route's placeholder, its hosts are allowed, and its
 * update hosts are denied whatever else allows them (deny beats allow).
 */
export function scopePolicyToTool(policy: Policy, tool: Tool | undefined): Policy {
  const claimed = new Set(Object.values(policy.tools).flatMap((t) => (t.credential === undefined ? [] : [t.credential.route])));
  const own = tool?.credential;
  const credentials = policy.credentials
    .filter((route) => !claimed.has(route.name) || route.name === own?.route)
    .map((route) => (route.name === own?.route ? { ...route, placeholderEnv: [...new Set([...route.placeholderEnv, ...own.apiKeyEnv])] } : route));
  if (tool === undefined) return { ...policy, credentials };
  const deny: EgressRule[] = tool.updateHosts.map((host) => ({ host, ports: UPDATE_PORTS, inspect: false, allowPrivate: false }));
  return {
    ...policy,
    credentials,
    egress: { ...policy.egress, allow: [...policy.egress.allow, ...tool.egress], deny: [...policy.egress.deny, ...deny] },
  };
}

/** Variables that point the tool at its credential route's base URL inside the sandbox. */
export function toolBaseUrlEnv(policy: Policy, tool: Tool | undefined, proxyPort: number): Record<string, string> {
  const own = tool?.credential;
  if (own === undefined || !policy.credentials.some((r) => r.name === own.route && r.upstream !== undefined)) return {};
  return Object.fromEntries(own.baseUrlEnv.map((name) => [name, routeBaseUrl(proxyPort, own.route)]));
}
