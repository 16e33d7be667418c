import type { LookupAddress } from 'node:dns';
import type { Denial } from '../deny-codes.js';
import { classifyAddress, isRestrictedClass } from './address-class.js';
import { parseIpLiteral } from './ip-literal.js';

/** Resolves a name to every address it has (dns.promises.lookup with all: true). */
export type Lookup = (host: string) => Promise<LookupAddress[]>;

export interface Resolved {
  ok: true;
  address: string;
  family: 4 | 6;
}

export interface ResolveOptions {
  lookup: Lookup;
  /** The policy's resolve: map; its entries are trusted as named. */
  resolveMap: Readonly<Record<string, string>>;
  /** The allowing rule says the host may be private. */
  allowPrivate: boolean;
}

/**
 * Resolves once and checks every address: a name that resolves to a loopback,
 * private, link-local, CGNAT, metadata or ULA address is refused unless allowed.
 * The caller connects to the returned address, never to the name again, so a
 * second DNS answer cannot rebind the connection.
 */
export async function resolveTarget(host: string, options: ResolveOptions): Promise<Resolved | Denial> {
  const literal = parseIpLiteral(host);
  if (literal !== undefined) return { ok: true, address: literal.address, family: literal.family };
  const mapped = options.resolveMap[host];
  if (mapped !== undefined) {
    const ip = parseIpLiteral(mapped);
    if (ip !== undefined) return { ok: true, address: ip.address, family: ip.family };
  }
  let addresses: LookupAddress[];
  try {
    addresses = await options.lookup(host);
  } catch (error) {
    return { allow: false, code: 'EGRESS_RESOLVE_FAILED', message: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'}); internal names go in egress.resolve` };
  }
  const parsed = addresses.flatMap((a) => parseIpLiteral(a.address) ?? []);
  if (parsed.length === 0) return { allow: false, code: 'EGRESS_RESOLVE_FAILED', message: `${host} has no address` };
  if (!options.allowPrivate) {
    const bad = parsed.find((ip) => isRestrictedClass(classifyAddress(ip)));
    if (bad !== undefined) {
      return { allow: false, code: 'EGRESS_PRIVATE_ADDRESS', message: `${host} resolves to ${bad.address} (${classifyAddress(bad)}); if that is intended, add allowPrivate: true to its egress rule` };
    }
  }
  const chosen = parsed.find((ip) => ip.family === 4) ?? parsed[0];
  return { ok: true, address: chosen?.address ?? '', family: chosen?.family ?? 4 };
}
