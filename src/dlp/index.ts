/**
 * dlp: pure secret scanners for what leaves a sandbox (the proxy scans request bodies,
 * `airlock dlp scan` scans files). Imports only core; holds no module state: a scanner,
 * a stream and a cache are values the caller creates and passes around.
 *
 * Security invariant: a Finding never holds the secret. It holds the rule, the tier,
 * where the match is, an HMAC-SHA256 of the matched bytes under the scanner's key
 * (random per scanner unless `hashKey` is given, so a short secret cannot be recovered
 * by hashing guesses) and a preview with at most the format's public prefix and the last
 * 0-4 characters.
 *
 * Tiers: 'high' for formats with a distinctive prefix, structure or checksum, private key
 * blocks and known secrets; 'low' for values that only look random beside a key-like
 * name, JWTs of unknown issuers, test-mode keys and tokens whose checksum fails.
 */

/**
 * Compiles the built-in detectors, plus an exact-match detector for `knownSecrets`
 * (raw, base64 and base64url at the three alignments, percent- and JSON-encoded), behind
 * one prefilter pass. Create one per session and reuse it.
 * Failure: CONFIG_INVALID for invalid options or a known secret under 8 or over 8192 bytes.
 */
export { createScanner, ScannerOptionsSchema } from './scanner.js';
export type { Scanner, ScannerOptions } from './scanner.js';

/**
 * Scans a body arriving in chunks with offsets (and lines) of the whole stream, finding
 * matches across chunk boundaries once. It keeps STREAM_OVERLAP_BYTES (~8.8 KiB, the
 * longest match, a private key block of 8 KiB, plus context) between chunks.
 */
export { createStreamScanner } from './stream.js';
export type { StreamScanner, StreamScannerOptions } from './stream.js';

/** Whole-buffer and whole-string scans (offsets, lines and columns in bytes, UTF-8 for strings). */
export { scanBuffer, scanText } from './scan.js';

/**
 * Scans an HTTP request body per segment through a ScanCache, so a conversation re-sent
 * every turn costs only its new messages. splitBody cuts Anthropic/OpenAI messages[],
 * OpenAI Responses input[] and Gemini contents[] per element, other JSON per member,
 * anything else in content-defined chunks (splitChunks).
 */
export { scanBody } from './body/scan-body.js';
export type { BodyScan, BodyScanOptions, BodyScanStats } from './body/scan-body.js';
export { splitBody, splitChunks } from './body/split.js';
export type { BodyShape, BodySplit, Segment } from './body/split.js';

/** A bounded LRU of findings per segment hash; holds no content. Failure: CONFIG_INVALID. */
export { createScanCache, ScanCacheOptionsSchema } from './cache.js';
export type { ScanCache, ScanCacheOptions, ScanCacheStats } from './cache.js';

/** The shape of a finding, for the wire and the audit log. */
export { FindingSchema, CONFIDENCES } from './types.js';
export type { Confidence, Finding } from './types.js';

/** The bounds that make streaming exact (see limits.ts). */
export { MAX_MATCH_BYTES, MIN_KNOWN_SECRET_BYTES, STREAM_OVERLAP_BYTES } from './limits.js';

/** Issuers whose JWTs are rated high without being named in jwtIssuers. */
export { KNOWN_JWT_ISSUERS } from './detectors/index.js';
