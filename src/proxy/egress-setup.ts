import { readFile } from 'node:fs/promises';
import type { Clock } from '../core/index.js';
import { AirlockError } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import { createPlaceholder } from './credentials/placeholders.js';
import type { Placeholder } from './credentials/placeholders.js';
import { createCredentialStore } from './credentials/store.js';
import type { CredentialStore } from './credentials/store.js';
import { mergeCaBundle, readSystemRoots } from './tls/ca-bundle.js';
import { createSessionCa } from './tls/session-ca.js';
import type { SessionCa } from './tls/session-ca.js';

/** What a session's egress needs before the sandbox starts. */
export interface EgressSetup {
  placeholders: Placeholder[];
  credentials: CredentialStore;
  /** Only when some host is intercepted. */
  ca: SessionCa | undefined;
  upstreamCa: string[];
  /** PEM files for the sandbox: the session CA, and the system roots plus it. */
  caFiles: { caPem: string; bundlePem: string } | undefined;
}

export interface PrepareEgressOptions {
  policy: Pick<Policy, 'egress' | 'credentials' | 'tls'>;
  sessionId: string;
  /** airlock's own environment, for env credential sources. */
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
}

/** True when some traffic must be intercepted, so the session needs its own CA. */
export function needsInterception(policy: PrepareEgressOptions['policy']): boolean {
  return policy.credentials.length > 0 || policy.egress.allow.some((r) => r.inspect);
}

/**
 * Creates placeholders, reads every route's secret once (a missing secret stops
 * the session before it starts), and makes the session CA when needed.
 * Failure: CONFIG_INVALID naming the route or file.
 */
export async function prepareEgress(options: PrepareEgressOptions): Promise<EgressSetup> {
  const { policy } = options;
  const credentials = createCredentialStore({ env: options.env, clock: options.clock });
  for (const route of policy.credentials) await credentials.get(route);
  const placeholders = policy.credentials.map((route) => createPlaceholder(route));
  const systemRoots = await readSystemRoots();
  const extra = policy.tls.upstreamCaFile === undefined ? [] : [await readCaFile(policy.tls.upstreamCaFile)];
  if (!needsInterception(policy)) return { placeholders, credentials, ca: undefined, upstreamCa: [systemRoots, ...extra], caFiles: undefined };
  const ca = createSessionCa({ nowMs: options.clock.nowMs(), sessionId: options.sessionId });
  return { placeholders, credentials, ca, upstreamCa: [systemRoots, ...extra], caFiles: { caPem: ca.certPem, bundlePem: mergeCaBundle(systemRoots, ca.certPem) } };
}

async function readCaFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new AirlockError('CONFIG_INVALID', `tls.upstreamCaFile: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`, { cause: error });
  }
}
