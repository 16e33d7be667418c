import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalize } from '../../core/index.js';
import { CATALOG_SCHEMA } from './catalog-schema.js';
import type { CatalogEntry, SignedCatalog } from './catalog-schema.js';

/** sha256 hex of a public key's SPKI DER: names the key that signed a catalog. */
export function catalogKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

function signedBytes(entries: readonly CatalogEntry[]): Buffer {
  return Buffer.from(canonicalize({ schema: CATALOG_SCHEMA, entries }), 'utf8');
}

/** Signs the entries (sorted by tool, then digest, so one set of approvals has one form). */
export function signCatalog(entries: readonly CatalogEntry[], privateKey: KeyObject): SignedCatalog {
  const sorted = [...entries].sort((a, b) => a.tool.localeCompare(b.tool) || a.digest.localeCompare(b.digest));
  return {
    schema: CATALOG_SCHEMA,
    entries: sorted,
    signature: { alg: 'ed25519', keyId: catalogKeyId(createPublicKey(privateKey)), value: sign(null, signedBytes(sorted), privateKey).toString('base64') },
  };
}

export type CatalogVerdict =
  | { ok: true; entries: readonly CatalogEntry[] }
  | { ok: false; reason: string };

/** Checks the signature against the trusted key. A denial is a value, never a throw. */
export function verifyCatalog(catalog: SignedCatalog, publicKey: KeyObject): CatalogVerdict {
  const keyId = catalogKeyId(publicKey);
  if (catalog.signature.keyId !== keyId) {
    return { ok: false, reason: `it is signed by key ${catalog.signature.keyId.slice(0, 16)}, not by the trusted key ${keyId.slice(0, 16)}` };
  }
  const good = verify(null, signedBytes(catalog.entries), publicKey, Buffer.from(catalog.signature.value, 'base64'));
  return good ? { ok: true, entries: catalog.entries } : { ok: false, reason: 'its signature does not match its entries: it was changed after it was signed' };
}
