/**
 * images: builds the image an agent runs from, hermetically and reproducibly. The agent's
 * npm package is resolved on the host into a lockfile that must carry the policy's
 * integrity, installed with `npm ci` (every tarball checked against the lockfile), and
 * COPYed onto the local base image, owned by root, running as the policy's non-root user.
 * Beside it, under AIRLOCK_HOME/images/<tool>/<version>/: the lockfile, a CycloneDX SBOM,
 * the installed-files manifest and the image record.
 *
 * Which image a tool may run from: The signed catalog (airlock.catalog/1) lists
 * approved (tool, image digest) pairs, signed with Ed25519 by this machine's approval key
 * or the organisation's (policy images.publicKeyFile).
 * Failures: CONFIG_INVALID for an unreadable or malformed catalog or key.
 * Invariant: a tool that needs approval runs only from a digest in a catalog that
 * verifies; a denial is a value (IMAGE_NOT_APPROVED) naming the tool and the fix.
 */

/**
 * Builds (or finds up to date) the image of a packaged tool and returns its record.
 *
 * Skips the build when the tagged image carries the same lockfile and base-image labels
 * as the kept record, unless `force`. A kept lockfile is reused: same inputs, same lockfile.
 *
 * Failures: TOOL_UNKNOWN (no such tool), USAGE (the tool has no package: it is just an
 * image), IMAGE_MISSING (the policy's sandbox.image is not in Docker), DRIVER_UNAVAILABLE
 * (Docker is not answering), IMAGE_BUILD_FAILED (npm failed, with its last lines; the
 * registry's integrity differs from the policy's; a package without a strong integrity;
 * a .npmrc or a symlink out of the tree in the install; the Docker build failed).
 *
 * Security invariant: npm runs with airlock's own userconfig, cache and HOME and only
 * PATH, locale and proxy/CA variables of `env`, so no credential of the user's npm setup
 * reaches the install, the build context or any image layer.
 */
export { buildToolImage } from './build.js';
export type { BuildToolImageOptions, BuildOutcome, BuildProgress, BuildStep } from './build.js';

/** The image record (image.json) schema; `readImageRecord` parses a kept one (undefined if absent). */
export { ImageRecordSchema, readImageRecord } from './record.js';
export type { ImageRecord } from './record.js';

/** Where a tool version's lockfile, SBOM, files manifest and record are kept. */
export { imagePaths, installDir } from './paths.js';
export type { ImagePaths } from './paths.js';

/** The files manifest (files.json) schema and its hash, as the record's filesSha256. */
export { ManifestSchema, manifestSha256 } from './manifest.js';
export type { Manifest, ManifestEntry } from './manifest.js';

/** The label names every tool image carries. */
export { IMAGE_LABELS } from './labels.js';

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
