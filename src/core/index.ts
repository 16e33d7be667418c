/**
 * core: the vocabulary every component shares. Imports nothing from other components.
 */
export { AirlockError, ERROR_CODES, isAirlockError, toAirlockError } from './errors.js';
export type { AirlockErrorOptions, ErrorCode } from './errors.js';
export { Secret } from './secret.js';
export { createSessionId, isSessionId } from './ids.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { createStreamLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { sha256Hex } from './canonical-json.js';
/** RFC 8785 canonical JSON: what every hash over JSON in Airlock is computed on. */
export { canonicalize } from './jcs.js';
export { openKeyFile, readExistingKeyFile } from './key-file.js';
