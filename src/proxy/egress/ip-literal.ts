import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** An IP address in canonical text form. */
export interface ParsedIp {
  family: 4 | 6;
  /** IPv4 dotted decimal (`127.0.0.1`) or IPv6 in RFC 5952 form (`fe80::1`). */
  address: string;
}

const MAX_IPV4 = 0xffffffff;
/** ASCII whitespace as C `isspace` sees it: inet_aton stops parsing at the first one. */
const C_SPACE = /[ \t\n\v\f\r]/;

/**
 * Recognises a host that is an IP address in any notation an HTTP client (WHATWG URL host
 * parser) or the C library's `inet_aton` would connect to, so the proxy can refuse IP literals.
 *
 * Accepted IPv4 forms: dotted decimal; 1 to 4 parts where the last part fills the remaining
 * bytes (`127.1`, `2130706433`); parts in hex (`0x7f`, a bare `0x` is 0) or octal (`0177`);
 * one trailing dot; surrounding spaces and controls, and tabs and newlines anywhere, are
 * dropped as a WHATWG URL parser does; anything after the first whitespace is ignored, as
 * `inet_aton` does.
 * IPv6: with or without brackets, with a zone id (`%eth0`, stripped). IPv4-mapped
 * (`::ffff:0:0/96`) and IPv4-compatible (`::/96` except `::` and `::1`) addresses are returned
 * as family 4, since that is where a connection goes. Non-ASCII hosts are first mapped with
 * UTS #46 as a WHATWG client would (`１２７．０．０．１` is `127.0.0.1`).
 *
 * Returns undefined for host names and for anything out of range: `256.0.0.1`, `4294967296`,
 * `1.2.3.4.5`, `09.0.0.1` are not addresses (`inet_aton` rejects them and a WHATWG URL with
 * such a host fails to parse), so they are left for the name checks that follow.
 */
export function parseIpLiteral(host: string): ParsedIp | undefined {
  // WHATWG URL parsing trims C0 controls and spaces and drops tabs and newlines anywhere.
  const cleaned = host.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const parsed = parseCleanHost(cleaned);
  if (parsed !== undefined || !C_SPACE.test(host)) return parsed;
  // inet_aton stops at the first whitespace: "127.0.0.1 x" is 127.0.0.1 to it.
  const value = parseIpv4Value(host.split(C_SPACE)[0] ?? '');
  return value === undefined ? undefined : { family: 4, address: formatIpv4(value) };
}

/**
 * The numeric value of an address: 32 bits for family 4 (any numeric notation `inet_aton`
 * accepts, such as `127.1`), 128 bits for family 6 (brackets and zone id allowed; an
 * IPv4-mapped address stays 128 bits). Undefined when it is not an address of that family.
 */
export function ipToBigInt(ip: ParsedIp): bigint | undefined {
  if (ip.family === 4) {
    if (ip.address.includes(':')) return undefined;
    const value = parseIpv4Value(ip.address);
    return value === undefined ? undefined : BigInt(value);
  }
  const groups = ipv6Groups(stripBrackets(ip.address).split('%')[0] ?? '');
  return groups?.reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
}

function parseCleanHost(host: string): ParsedIp | undefined {
  const ascii = /[^\u0000-\u007f]/u.test(host) ? domainToASCII(host) : host;
  if (ascii === '') return undefined;
  const inner = stripBrackets(ascii);
  if (inner.includes(':')) return parseIpv6(inner);
  const value = parseIpv4Value(inner);
  return value === undefined ? undefined : { family: 4, address: formatIpv4(value) };
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

/** inet_aton / WHATWG IPv4 parser: the 32-bit value, or undefined when not an address. */
function parseIpv4Value(text: string): number | undefined {
  const parts = text.split('.');
  // One trailing dot is allowed (WHATWG URL: a fully qualified IPv4 host).
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Part(part);
    if (n === undefined) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop();
  if (last === undefined || numbers.some((n) => n > 255)) return undefined;
  // The last part fills the bytes the earlier parts did not: 127.1 is 127.0.0.1.
  if (last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((acc, n, i) => acc + n * 256 ** (3 - i), 0) + last;
}

/** One part: `0x` hex (bare `0x` is 0), leading `0` octal, else decimal; at most 32 bits. */
function parseIpv4Part(part: string): number | undefined {
  let digits = part;
  let radix = 10;
  let pattern = /^[0-9]+$/;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
    pattern = /^[0-9a-f]*$/i;
  } else if (part.length > 1 && part.startsWith('0')) {
    digits = part.slice(1);
    radix = 8;
    pattern = /^[0-7]+$/;
  }
  if (!pattern.test(digits)) return undefined;
  if (digits === '') return 0;
  // parseInt of a very long digit string is a huge float or Infinity: still above the limit.
  const value = parseInt(digits, radix);
  return value <= MAX_IPV4 ? value : undefined;
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function parseIpv6(text: string): ParsedIp | undefined {
  // A zone id (RFC 6874; `%25eth0` in a URL) only picks the interface: strip it.
  const groups = ipv6Groups(text.split('%')[0] ?? '');
  if (groups === undefined) return undefined;
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) return { family: 4, address: formatIpv4(embedded) };
  return { family: 6, address: formatIpv6(groups) };
}

/** The eight 16-bit groups of a valid IPv6 address, or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  if (isIP(text) !== 6) return undefined;
  let hex = text;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // isIP has checked the dotted tail is strict dotted decimal.
    const value = parseIpv4Value(tail) ?? 0;
    hex = `${text.slice(0, lastColon + 1)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const halves = hex.split('::');
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 ? groups : undefined;
}

/** IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d, not :: or ::1): the IPv4 value. */
function embeddedIpv4(groups: number[]): number | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 !== 0 || g1 !== 0 || g2 !== 0 || g3 !== 0 || g4 !== 0) return undefined;
  const value = g6 * 0x10000 + g7;
  if (g5 === 0xffff) return value;
  if (g5 === 0 && value > 1) return value;
  return undefined;
}

/** RFC 5952 §4: lowercase, no leading zeros, the longest run (2+) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; i++) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
