import { ipToBigInt, parseIpLiteral, type ParsedIp } from './ip-literal.js';

/** What kind of destination an address is; everything but `public` is restricted. */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'metadata'
  | 'ula'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation';

/** A CIDR block: the first matching row of a table wins, so specific rows come first. */
type Range = readonly [base: string, prefixBits: number, addressClass: AddressClass];

/** A range with its prefix computed once: `value >> shift === prefix` means inside. */
interface Block {
  readonly shift: bigint;
  readonly prefix: bigint;
  readonly addressClass: AddressClass;
}

const IPV4_RANGES: readonly Range[] = [
  // Cloud instance metadata endpoints, checked before the wider blocks that hold them.
  ['169.254.169.254', 32, 'metadata'], // AWS, GCP, Azure, OpenStack IMDS
  ['169.254.170.2', 32, 'metadata'], // AWS ECS task metadata and credentials
  ['100.100.100.200', 32, 'metadata'], // Alibaba Cloud
  ['192.0.0.192', 32, 'metadata'], // Oracle Cloud
  ['168.63.129.16', 32, 'metadata'], // Azure WireServer: a platform endpoint in public space
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['169.254.0.0', 16, 'link-local'],
  ['100.64.0.0', 10, 'cgnat'],
  ['192.0.2.0', 24, 'documentation'], // RFC 5737
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['198.18.0.0', 15, 'reserved'], // RFC 2544 benchmarking
  ['192.0.0.0', 24, 'reserved'], // RFC 6890 IETF protocol assignments
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: readonly Range[] = [
  ['fd00:ec2::254', 128, 'metadata'], // AWS IMDS over IPv6, inside fc00::/7
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 8, 'reserved'], // the rest of 0000::/8 (IPv4-mapped/compatible arrive as family 4)
  ['100::', 64, 'reserved'], // RFC 6666 discard-only
  ['64:ff9b:1::', 48, 'reserved'], // RFC 8215 local-use NAT64
  ['2001:db8::', 32, 'documentation'], // RFC 3849
  ['3fff::', 20, 'documentation'], // RFC 9637
  ['fc00::', 7, 'ula'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // deprecated site-local (RFC 3879), IPv6's first RFC 1918
  ['ff00::', 8, 'multicast'],
];

const IPV4_BLOCKS = toBlocks(IPV4_RANGES, 4);
const IPV6_BLOCKS = toBlocks(IPV6_RANGES, 6);
const NAT64_PREFIX = 0x64ff9bn << 64n; // RFC 6052 well-known prefix 64:ff9b::/96, value >> 32
const SIX_TO_FOUR_PREFIX = 0x2002n; // RFC 3056 2002::/16, IPv4 in bits 16..47

/**
 * Classifies the destination of an address. `ip.address` may be in any notation
 * `parseIpLiteral` accepts, so a DNS answer such as `::ffff:10.0.0.1` (family 6) is classified
 * by its embedded IPv4 address. NAT64 (`64:ff9b::/96`) takes the class of the embedded IPv4
 * address; 6to4 (`2002::/16`) does too when that class is restricted.
 *
 * Fails closed: an address that does not parse is `reserved`. Addresses in no listed block
 * are `public`.
 */
export function classifyAddress(ip: ParsedIp): AddressClass {
  const parsed = parseIpLiteral(ip.address);
  const value = parsed && ipToBigInt(parsed);
  if (parsed === undefined || value === undefined) return 'reserved';
  if (parsed.family === 4) return lookup(IPV4_BLOCKS, value);
  if (value >> 32n === NAT64_PREFIX) return lookup(IPV4_BLOCKS, value & 0xffffffffn);
  if (value >> 112n === SIX_TO_FOUR_PREFIX) {
    const embedded = lookup(IPV4_BLOCKS, (value >> 80n) & 0xffffffffn);
    if (isRestrictedClass(embedded)) return embedded;
  }
  return lookup(IPV6_BLOCKS, value);
}

/** True for every class except `public`: the proxy refuses these unless a rule names them. */
export function isRestrictedClass(c: AddressClass): boolean {
  return c !== 'public';
}

function lookup(blocks: readonly Block[], value: bigint): AddressClass {
  return blocks.find((b) => value >> b.shift === b.prefix)?.addressClass ?? 'public';
}

/** Parses a table once at load; a base that does not parse is a programming error. */
function toBlocks(ranges: readonly Range[], family: 4 | 6): readonly Block[] {
  const width = family === 4 ? 32 : 128;
  return ranges.map(([address, bits, addressClass]) => {
    const value = ipToBigInt({ family, address });
    if (value === undefined) throw new Error(`address-class table: ${address} is not IPv${family}`);
    const shift = BigInt(width - bits);
    return { shift, prefix: value >> shift, addressClass };
  });
}
