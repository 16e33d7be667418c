import type { AuditEvent } from '../audit/index.js';

/** Per destination host: requests and tunnels let through, and refused. */
export interface HostCounts {
  allowed: number;
  denied: number;
}

export interface SessionFinding {
  type: string;
  code?: string;
  host?: string;
  rule?: string;
}

/** What a session's end record summarises from the events written during it. */
export interface EgressTally {
  observe(event: AuditEvent): void;
  egress(): Record<string, HostCounts>;
  findings(): SessionFinding[];
  /** Per destination host: the repository files its requests carried, and the largest fraction of each. */
  codeEgress(): Record<string, { path: string; fraction: number }[]>;
}

const FINDING_TYPES = /^(credential\.misuse|dlp\.)/;

/**
 * Counts egress per host from the proxy's events: an allowed request or tunnel counts
 * once when it ends (completed, closed or failed upstream), a denial once. Requests
 * refused before a host was known (malformed) count under "(unparsed)".
 */
export function createEgressTally(): EgressTally {
  const hosts = new Map<string, HostCounts>();
  const findings: SessionFinding[] = [];
  const code = new Map<string, Map<string, number>>();
  return {
    observe(event) {
      if (event.type === 'code.egress') return observeCode(code, event);
      const e = event as AuditEvent & { host?: unknown; code?: unknown; rule?: unknown; decision?: unknown };
      const host = typeof e.host === 'string' ? e.host : '(unparsed)';
      if (FINDING_TYPES.test(event.type)) {
        findings.push({ type: event.type, ...str('code', e.code), ...str('host', e.host), ...str('rule', e.rule) });
      }
      const denied = event.type === 'net.request.denied' || event.type === 'credential.misuse';
      const allowed = event.type === 'net.request.completed' || event.type === 'net.tunnel.closed' || event.type === 'net.request.failed';
      if (!denied && !allowed) return;
      const counts = hosts.get(host) ?? { allowed: 0, denied: 0 };
      if (denied) counts.denied++;
      else counts.allowed++;
      hosts.set(host, counts);
    },
    egress: () => Object.fromEntries([...hosts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    findings: () => [...findings],
    codeEgress: () => Object.fromEntries([...code.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([host, files]) => [host, [...files.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, fraction]) => ({ path, fraction }))])),
  };
}

function observeCode(code: Map<string, Map<string, number>>, event: AuditEvent): void {
  const host = typeof event.host === 'string' ? event.host : '(unparsed)';
  const files = code.get(host) ?? new Map<string, number>();
  for (const f of Array.isArray(event.files) ? (event.files as { path: string; fraction: number }[]) : []) files.set(f.path, Math.max(files.get(f.path) ?? 0, f.fraction));
  code.set(host, files);
}

function str(key: string, value: unknown): Record<string, string> {
  return typeof value === 'string' ? { [key]: value } : {};
}
