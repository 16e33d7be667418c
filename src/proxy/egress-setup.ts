import { readFile } from 'node:fs/promises';
import type { Clock } from '../core/index.js';
import { AirlockError } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import { createPlaceholder } from './credentials/placeholders.js';
import type { Placeholder } from './credentials/placeholders.js';
import { createCredentialStore } from './credentials/store.js';
import type { CredentialStore } from './credentials/store.js';
import { mergeCaBundle, readSystemRoots } from './tls/ca-bundle.js';
import type { SessionCa } from './tls/session-ca.js';

/** What a session's egress needs before the sandbox starts. */
export interface EgressSetup {
  placeholders: Placeholder[];
  credentials: CredentialStore;
  /** Only when some host is intercepted. */
  ca: SessionCa | undefined;
  /** PEM roots for upstream TLS (system + tls.upstreamCaFile), read on first use. */
  upstreamCa: () => Promise<string[]>;
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
  const extraFile = policy.tls.upstreamCaFile;
  // Fail now on an unreadable bundle, not on the first request that needs it.
  const extra = extraFile === undefined ? [] : [await readCaFile(extraFile)];
  let roots: Promise<string[]> | undefined;
  const upstreamCa = () => (roots ??= readSystemRoots().then((system) => [system, ...extra]));
  if (!needsInterception(policy)) return { placeholders, credentials, ca: undefined, upstreamCa, caFiles: undefined };
  // node-forge loads only for sessions that intercept: start-up stays fast for the rest.
  const { createSessionCa } = await import('./tls/session-ca.js');
  const ca = createSessionCa({ nowMs: options.clock.nowMs(), sessionId: options.sessionId });
  const [systemRoots] = await upstreamCa();
  return { placeholders, credentials, ca, upstreamCa, caFiles: { caPem: ca.certPem, bundlePem: mergeCaBundle(systemRoots ?? '', ca.certPem) } };
}

async function readCaFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new AirlockError('CONFIG_INVALID', `tls.upstreamCaFile: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`, { cause: error });
  }
}
