import { parseIpLiteral } from './ip-literal.js';

const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** Letters, digits, hyphen; underscore too, which real DNS names (not hostnames) carry. */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
/** Whitespace (ASCII or Unicode) and control characters: never part of a host. */
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

/**
 * The form hosts are compared in: lowercase, one trailing dot removed (`example.com.` is
 * `example.com`), IPv6 brackets removed (`[::1]` is `::1`). Does not validate.
 */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h;
}

/**
 * Checks a host pattern from a policy. Valid patterns: an exact host name
 * (`api.example.com`); `*.example.com` (exactly one more label); `**.example.com` (one or
 * more labels); an IP address (`10.0.0.5`, `[::1]`). Returns a message saying what is wrong
 * and how to fix it, or undefined when the pattern is valid.
 *
 * Refused: empty, whitespace or control characters, non-ASCII (write the `xn--` form), a `*` anywhere but as the whole first label (`a*.b.com`,
 * `***.x`, `a.*.com`), a bare `*` or `**` (it would match every host), a wildcard over an IP
 * address (`*.0.0.1`), empty labels, characters outside letters, digits, `-`, `_`, `.`
 * (including a `:port`), brackets around anything but an IPv6 address, and labels over 63
 * or names over 253 characters.
 */
export function validateHostPattern(pattern: string): string | undefined {
  const shown = JSON.stringify(pattern);
  if (pattern === '') return 'host pattern is empty: write a host name such as api.example.com';
  if (SPACE_OR_CONTROL.test(pattern)) return `host pattern ${shown} contains whitespace or control characters: remove them`;
  if (/[^\u0000-\u007f]/u.test(pattern)) return `host pattern ${shown} is not ASCII: write names in their xn-- (punycode) form`;
  if (hasStrayBrackets(pattern)) return `host pattern ${shown} has brackets: they may only enclose an IPv6 address`;
  const host = normalizeHost(pattern);
  if (host === '*' || host === '**') {
    return `host pattern ${shown} would match every host: list the hosts the agent needs explicitly`;
  }
  if (parseIpLiteral(host) !== undefined) return undefined;
  const [first = '', ...rest] = host.split('.');
  const wildcard = first === '*' || first === '**';
  const labels = wildcard ? rest : [first, ...rest];
  if (labels.some((label) => label.includes('*'))) {
    return `host pattern ${shown} has a "*" inside a name: a wildcard must be the whole first label, as in *.example.com or **.example.com`;
  }
  const problem = nameProblem(labels.join('.'));
  if (problem !== undefined) return `host pattern ${shown} ${problem}`;
  if (wildcard && parseIpLiteral(labels.join('.')) !== undefined) {
    return `host pattern ${shown} puts a wildcard in front of an IP address: name the address itself`;
  }
  return undefined;
}

/**
 * True when `host` matches `pattern`, ignoring case and one trailing dot. An exact pattern
 * matches only itself; `*.example.com` matches `a.example.com` but not `example.com` or
 * `a.b.example.com`; `**.example.com` matches any depth below `example.com` but not
 * `example.com`. An IP pattern matches the same address in any notation (`127.0.0.1` matches
 * `[::ffff:7f00:1]`), and an IP host matches only an IP pattern.
 *
 * Fails closed: false when the pattern is invalid (see `validateHostPattern`) or the host is
 * not a well-formed name or address (whitespace, brackets around anything but IPv6, empty
 * labels, characters outside letters, digits, `-`, `_`, `.`).
 */
export function matchHostPattern(pattern: string, host: string): boolean {
  if (validateHostPattern(pattern) !== undefined || SPACE_OR_CONTROL.test(host) || hasStrayBrackets(host)) return false;
  const p = normalizeHost(pattern);
  const h = normalizeHost(host);
  const patternIp = parseIpLiteral(p);
  const hostIp = parseIpLiteral(h);
  if (patternIp !== undefined || hostIp !== undefined) {
    return patternIp?.family === hostIp?.family && patternIp?.address === hostIp?.address;
  }
  if (nameProblem(h) !== undefined) return false;
  const [first = '', ...rest] = p.split('.');
  if (first !== '*' && first !== '**') return h === p;
  const hostLabels = h.split('.');
  const extra = hostLabels.length - rest.length;
  if (extra < 1 || (first === '*' && extra !== 1)) return false;
  return hostLabels.slice(extra).join('.') === rest.join('.');
}

/** True when brackets appear other than around a whole IPv6 address (`[::1]`). */
function hasStrayBrackets(raw: string): boolean {
  const h = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  const bracketed = h.startsWith('[') && h.endsWith(']');
  const inner = bracketed ? h.slice(1, -1) : h;
  return /[[\]]/.test(inner) || (bracketed && !inner.includes(':'));
}

/** Why a normalized, wildcard-free name is not a well-formed DNS name, or undefined. */
function nameProblem(name: string): string | undefined {
  if (name.length > MAX_HOST_LENGTH) return `is longer than ${MAX_HOST_LENGTH} characters`;
  if (/[^\u0000-\u007f]/u.test(name)) return 'is not ASCII: write the name in its xn-- (punycode) form';
  const labels = name.split('.');
  if (labels.some((label) => label === '')) return 'has an empty label: check for ".." or a leading "."';
  const long = labels.find((label) => label.length > MAX_LABEL_LENGTH);
  if (long !== undefined) return `has a label longer than ${MAX_LABEL_LENGTH} characters`;
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return `has an invalid label ${JSON.stringify(bad)}: use letters, digits and "-" (not at either end), and write ports separately`;
  }
  return undefined;
}
