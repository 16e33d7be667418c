import { z } from 'zod';

export const CATALOG_SCHEMA = 'airlock.catalog/1';

const Sha256DigestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'an image id, sha256:<64 hex>');

/** One approved image: this tool may run from exactly this content digest. */
export const CatalogEntrySchema = z.strictObject({
  tool: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  /** The tool version the image's label names, when it has one. */
  version: z.string().nullable(),
  /** The reference it was approved under (informative; the digest is what counts). */
  image: z.string().min(1),
  digest: Sha256DigestSchema,
  /** sha256 hex of the CycloneDX SBOM built beside the image, when there is one. */
  sbomSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  approvedAt: z.iso.datetime(),
  approvedBy: z.string().min(1),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const CatalogSignatureSchema = z.strictObject({
  alg: z.literal('ed25519'),
  /** sha256 hex of the signing public key (SPKI DER). */
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  /** base64 Ed25519 signature over the RFC 8785 canonical JSON of { schema, entries }. */
  value: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

/** The signed catalog file. */
export const SignedCatalogSchema = z.strictObject({
  schema: z.literal(CATALOG_SCHEMA),
  entries: z.array(CatalogEntrySchema),
  signature: CatalogSignatureSchema,
});
export type SignedCatalog = z.infer<typeof SignedCatalogSchema>;
