/**
 * The bounds every detector keeps, which make streaming exact: a detector that fires at
 * an anchor (the literal or keyword the prefilter found at position a) reads only
 * [a - LOOKBEHIND_BYTES, a + LOOKAHEAD_BYTES) and reports matches that start in
 * [a - LOOKBEHIND_BYTES, a + MAX_START_AFTER_ANCHOR_BYTES]. Offsets count bytes.
 */

/** The longest match any detector reports: a PEM private key block (RSA 8192 is ~6.5 KiB). */
export const MAX_MATCH_BYTES = 8 * 1024;

/** How far before its anchor a detector looks (a Telegram bot id, a `"private_key":` field, an Azure SAS `sv=`). */
export const LOOKBEHIND_BYTES = 256;

/** How far after its anchor a match may start (a key name before its value, an AWS secret after its key id). */
export const MAX_START_AFTER_ANCHOR_BYTES = 512;

/** How far after its anchor a detector reads: the latest start, the longest match, and a boundary character. */
export const LOOKAHEAD_BYTES = MAX_START_AFTER_ANCHOR_BYTES + MAX_MATCH_BYTES + 16;

/**
 * What a stream scanner keeps between chunks: anchors closer than LOOKAHEAD_BYTES to the
 * end seen so far wait for more data, and LOOKBEHIND_BYTES before them stay for context.
 * About 8.8 KiB, whatever the chunk sizes.
 */
export const STREAM_OVERLAP_BYTES = LOOKAHEAD_BYTES + LOOKBEHIND_BYTES;

/** Known secrets shorter than this are refused: their encodings would match by chance. */
export const MIN_KNOWN_SECRET_BYTES = 8;
