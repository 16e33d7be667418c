/**
 * images: which image a tool may run from. The signed catalog (airlock.catalog/1) lists
 * approved (tool, image digest) pairs, signed with Ed25519 by this machine's approval key
 * or the organisation's (policy images.publicKeyFile).
 * Failures: CONFIG_INVALID for an unreadable or malformed catalog or key.
 * Invariant: a tool that needs approval runs only from a digest in a catalog that
 * verifies; a denial is a value (IMAGE_NOT_APPROVED) naming the tool and the fix.
 */
export { needsApproval, decideApproval } from './catalog/approval.js';
export type { ApprovalDecision } from './catalog/approval.js';
export { catalogPaths, readCatalog, writeCatalog, trustedCatalogKey, approvalSigningKey, loadTrustedCatalog } from './catalog/catalog-file.js';
export type { TrustedCatalog } from './catalog/catalog-file.js';
export { signCatalog, verifyCatalog, catalogKeyId } from './catalog/catalog-sign.js';
export type { CatalogVerdict } from './catalog/catalog-sign.js';
export { SignedCatalogSchema, CatalogEntrySchema, CATALOG_SCHEMA } from './catalog/catalog-schema.js';
export type { CatalogEntry, SignedCatalog } from './catalog/catalog-schema.js';
export { materializeRootfs } from './rootfs.js';
export type { RootfsOptions } from './rootfs.js';
