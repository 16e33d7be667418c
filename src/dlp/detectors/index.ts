import type { Detector } from '../types.js';
import { chatDetectors } from './chat.js';
import { cloudDetectors } from './cloud.js';
import { databaseUrlDetector } from './database-url.js';
import { genericDetector } from './generic.js';
import { jwtDetector } from './jwt.js';
import { paymentAiDetectors } from './payment-ai.js';
import { privateKeyDetector } from './private-key.js';
import { vcsDetectors } from './vcs.js';

export { knownSecretsDetector, secretVariants, base64Core } from './known-secrets.js';
export type { KnownSecretBytes } from './known-secrets.js';
export { KNOWN_JWT_ISSUERS } from './jwt.js';

export interface BuiltinDetectorOptions {
  jwtIssuers?: readonly string[];
}

/** Every built-in detector, fresh (each holds its own sticky regular expressions). */
export function builtinDetectors(options: BuiltinDetectorOptions = {}): Detector[] {
  return [
    ...cloudDetectors(),
    ...vcsDetectors(),
    ...chatDetectors(),
    ...paymentAiDetectors(),
    privateKeyDetector(),
    jwtDetector(options.jwtIssuers),
    databaseUrlDetector(),
    genericDetector(),
  ];
}
