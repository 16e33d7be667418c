import { isIP } from 'node:net';
import { AirlockError } from '../../core/index.js';

/** A host as it goes into a leaf certificate: its SAN kind and a stable cache key. */
export interface NormalisedHost {
  /** Lowercase DNS name without trailing dot, dotted IPv4, or canonical IPv6 without brackets. */
  readonly name: string;
  readonly kind: 'dns' | 'ip';
}

/** RFC 1035 §2.3.4: a name is at most 253 characters in text form, a label at most 63. */
const MAX_NAME_CHARS = 253;
/**
 * Letters, digits and hyphen (RFC 1123 §2.1), not starting or ending with a hyphen.
 * Underscore is allowed inside a label because real service hosts use it.
 */
const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const ALL_DIGITS = /^[0-9]+$/;

/**
 * Normalises and validates the host a leaf certificate is issued for.
 *
 * Contract: returns lowercase names without a trailing dot; IP literals (IPv6 with or
 * without brackets) become `kind: 'ip'` in canonical form. Throws AirlockError 'INTERNAL'
 * for anything else: empty, wildcards, non-LDH characters, zone ids, over-long labels,
 * or an all-numeric last label that is not a valid IPv4 address.
 * Security invariant: nothing that could smuggle extra SAN entries or a wildcard into a
 * certificate is accepted (the proxy validates earlier; this is defence in depth).
 */
export function normaliseHost(host: string): NormalisedHost {
  const lower = host.toLowerCase();
  const unbracketed = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  const ipVersion = unbracketed.includes('%') ? 0 : isIP(unbracketed);
  if (ipVersion === 4) return { name: unbracketed, kind: 'ip' };
  if (ipVersion === 6) return { name: canonicalIpv6(unbracketed), kind: 'ip' };
  const name = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  const problem = dnsNameProblem(name);
  if (problem !== undefined) {
    throw new AirlockError(
      'INTERNAL',
      `cannot issue a TLS certificate for host ${JSON.stringify(host.slice(0, 300))}: ${problem}. ` +
        'The proxy should have rejected this host earlier; please report it as a bug.',
    );
  }
  return { name, kind: 'dns' };
}

function dnsNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the host is empty';
  if (name.length > MAX_NAME_CHARS) return `the name is longer than ${MAX_NAME_CHARS} characters`;
  const labels = name.split('.');
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return 'it is neither an IP address nor a DNS name of letters, digits, hyphens and dots';
  }
  if (ALL_DIGITS.test(labels[labels.length - 1] ?? '')) {
    return 'its last label is all digits but it is not a valid IPv4 address';
  }
  return undefined;
}

/** Canonical compressed IPv6 text (RFC 5952), e.g. "::ffff:1.2.3.4" becomes "::ffff:102:304". */
function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
