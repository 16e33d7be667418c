import { hkdfSync } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../core/index.js';
import { openKeyFile, Secret } from '../core/index.js';
import { createScanCache, createScanner, MIN_KNOWN_SECRET_BYTES } from '../dlp/index.js';
import type { Policy } from '../policy/index.js';
import { composeInspectors } from '../proxy/index.js';
import type { BodyInspector, EgressSetup } from '../proxy/index.js';
import type { CodeIndex } from '../workspace/index.js';
import { createCodeEgressInspector } from './code-egress.js';
import { createDlpInspector } from './dlp-inspector.js';

export interface SessionInspectionOptions {
  home: string;
  policy: Pick<Policy, 'dlp' | 'credentials' | 'workspace'>;
  setup: EgressSetup;
  codeIndex: Promise<CodeIndex>;
  logger: Logger;
}

/**
 * What the session's proxy does with each body it can read: DLP first (a redaction is
 * what the code-egress map then reads and what is sent), then the code-egress map.
 */
export async function createSessionInspector(options: SessionInspectionOptions): Promise<BodyInspector> {
  const { policy } = options;
  const code = createCodeEgressInspector(options.codeIndex, policy.workspace.forbidEgress);
  if (!policy.dlp.enabled) return code;
  const scanner = createScanner({
    knownSecrets: await knownSecrets(options),
    jwtIssuers: policy.dlp.jwtIssuers,
    hashKey: await findingHashKey(options.home),
  });
  const dlp = createDlpInspector({ scanner, cache: createScanCache(), policy: policy.dlp, routes: policy.credentials, placeholders: options.setup.placeholders.map((p) => p.value) });
  return composeInspectors([dlp, code]);
}

/** Every secret the session's routes hold (prepareEgress read them all before this). */
async function knownSecrets(options: SessionInspectionOptions): Promise<{ name: string; value: Secret }[]> {
  const known: { name: string; value: Secret }[] = [];
  for (const route of options.policy.credentials) {
    const secret = await options.setup.credentials.get(route);
    if (Buffer.byteLength(secret.reveal()) < MIN_KNOWN_SECRET_BYTES) {
      options.logger.warn(`dlp: the secret of credential route ${route.name} is shorter than ${MIN_KNOWN_SECRET_BYTES} bytes, too short to match exactly without false alarms; only the format detectors watch for it`);
      continue;
    }
    known.push({ name: `credential route ${route.name}`, value: secret });
  }
  return known;
}

/**
 * The key of the findings' HMAC: one per Airlock home (derived from a key file kept
 * there, 0600), so the same secret has the same hash in every session's findings while
 * a short secret still cannot be recovered by hashing guesses.
 */
async function findingHashKey(home: string): Promise<Secret<Buffer>> {
  const key = await openKeyFile(join(home, 'dlp', 'finding-key.pem'), 'the DLP finding-hash key');
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return new Secret(Buffer.from(hkdfSync('sha256', der, 'airlock', 'dlp finding hmac v1', 32)));
}
