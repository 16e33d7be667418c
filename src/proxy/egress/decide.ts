import type { CredentialRoute, EgressRule, Policy } from '../../policy/index.js';
import type { Denial } from '../deny-codes.js';
import { parseIpLiteral } from './ip-literal.js';
import { matchHostPattern, normalizeHost } from './host-pattern.js';
import { matchPathGlob, normalizeRequestPath } from './path-glob.js';

export interface Target {
  /** Normalised: lower case, no trailing dot, no brackets. */
  host: string;
  port: number;
}

export interface HostAllowed {
  allow: true;
  /** "egress.allow.2" or "credentials.0": the rule that allowed it. */
  rule: string;
  /** Intercept TLS: a credential route or an inspect rule. */
  inspect: boolean;
  allowPrivate: boolean;
  route: CredentialRoute | undefined;
  /** Every allow rule that matches host and port (method/path checks use them all). */
  rules: { rule: EgressRule; id: string }[];
}

export type HostDecision = HostAllowed | Denial;
export type RequestDecision = { allow: true; rule: string } | Denial;

type EgressView = Pick<Policy, 'egress' | 'credentials'>;

const matches = (rule: EgressRule, t: Target) => matchesHost(rule.host, t.host) && rule.ports.includes(t.port);

function matchesHost(pattern: string, host: string): boolean {
  const ip = parseIpLiteral(host);
  if (ip === undefined) return matchHostPattern(pattern, host);
  return parseIpLiteral(pattern)?.address === ip.address;
}

function addRule(host: string): string {
  return `add "- { host: ${host} }" under egress.allow in the policy`;
}

/**
 * May the sandbox open a connection to host:port? Deny beats allow; credential-route
 * hosts are allowed on their ports and intercepted; an IP literal in any notation needs a
 * rule that names that address; anything else is default-deny.
 */
export function decideHost(policy: EgressView, target: Target): HostDecision {
  const t = { host: normalizeHost(target.host), port: target.port };
  const where = `${t.host}:${t.port}`;
  const denyIndex = policy.egress.deny.findIndex((r) => matches(r, t));
  if (denyIndex !== -1) return { allow: false, code: 'EGRESS_DENY_RULE', rule: `egress.deny.${denyIndex}`, message: `${where} is denied by rule egress.deny.${denyIndex}` };
  const rules = policy.egress.allow.flatMap((rule, i) => (matches(rule, t) ? [{ rule, id: `egress.allow.${i}` }] : []));
  const routeIndex = policy.credentials.findIndex((c) => c.ports.includes(t.port) && c.hosts.some((h) => matchesHost(h, t.host)));
  const route = routeIndex === -1 ? undefined : policy.credentials[routeIndex];
  if (route !== undefined) {
    return { allow: true, rule: `credentials.${routeIndex}`, inspect: true, allowPrivate: rules.some((r) => r.rule.allowPrivate), route, rules };
  }
  const first = rules[0];
  if (first !== undefined) {
    return { allow: true, rule: first.id, inspect: rules.some((r) => r.rule.inspect), allowPrivate: rules.some((r) => r.rule.allowPrivate), route: undefined, rules };
  }
  if (parseIpLiteral(t.host) !== undefined) {
    return { allow: false, code: 'EGRESS_IP_LITERAL', message: `${where} is an IP address; the sandbox must use host names (or ${addRule(t.host)})` };
  }
  const otherPort = policy.egress.allow.findIndex((r) => matchesHost(r.host, t.host));
  if (otherPort !== -1) {
    const ports = policy.egress.allow[otherPort]?.ports.join(', ');
    return { allow: false, code: 'EGRESS_PORT', rule: `egress.allow.${otherPort}`, message: `port ${t.port} of ${t.host} is not allowed: rule egress.allow.${otherPort} allows port ${ports}` };
  }
  return { allow: false, code: 'EGRESS_NO_RULE', message: `no egress rule allows ${where}: ${addRule(t.host)}` };
}

/**
 * For inspected traffic: may this method and path go to an allowed host? Allowed when
 * any matching rule permits both (a rule without methods/paths permits all).
 */
export function decideRequest(host: HostAllowed, method: string, rawPath: string, target: Target): RequestDecision {
  const path = normalizeRequestPath(rawPath);
  if (path === undefined) return { allow: false, code: 'EGRESS_BAD_PATH', message: `the request path of ${target.host} is refused: not a plain path (encoded dots, slashes or backslashes, empty or ';' segments, control characters)` };
  if (host.route !== undefined && host.rules.length === 0) return { allow: true, rule: host.rule };
  const byMethod = host.rules.filter((r) => r.rule.methods === undefined || r.rule.methods.includes(method));
  if (byMethod.length === 0) {
    return { allow: false, code: 'EGRESS_METHOD', rule: host.rules[0]?.id, message: `${method} to ${target.host} is not allowed: rule ${host.rules[0]?.id} allows ${host.rules[0]?.rule.methods?.join(', ')}` };
  }
  const ok = byMethod.find((r) => r.rule.paths === undefined || r.rule.paths.some((g) => matchPathGlob(g, path)));
  if (ok === undefined) {
    return { allow: false, code: 'EGRESS_PATH', rule: byMethod[0]?.id, message: `${method} ${path} on ${target.host} is not allowed: rule ${byMethod[0]?.id} allows paths ${byMethod[0]?.rule.paths?.join(', ')}` };
  }
  return { allow: true, rule: host.route !== undefined ? host.rule : ok.id };
}
