import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { loadSinks, openPostgresStore, openSigningKey, openSqliteStore, openSqliteStoreInWorker } from '../audit/index.js';
import type { AuditActor, AuditStore, CheckpointSigner, Forwarder } from '../audit/index.js';
import type { Secret } from '../core/index.js';
import type { AuditPolicy, CredentialSource } from '../policy/index.js';
import { orgPolicyFile } from './context.js';
import type { CliContext } from './context.js';

/** Where the key that signs checkpoints lives: Airlock's home, never inside a sandbox. */
export function signingKeyPath(ctx: CliContext): string {
  return join(ctx.home, 'audit', 'signing-key.pem');
}

export function openSigner(ctx: CliContext): Promise<CheckpointSigner> {
  return openSigningKey(signingKeyPath(ctx));
}

/**
 * Opens the store the policy names (audit.store), signing checkpoints with the local key.
 * Sessions (`forSession`) run SQLite in a thread of its own, so the proxy never waits for
 * a commit; the audit commands read it in this thread.
 */
export async function openAuditStore(ctx: CliContext, policy: AuditPolicy, forSession = false): Promise<AuditStore> {
  const store = policy.store;
  const early = ctx.takeAuditThread();
  // A store without a thread of its own: the one started early is not needed.
  if (store.kind !== 'sqlite' || !forSession) void early?.worker.terminate();
  if (store.kind === 'sqlite') {
    const path = store.path ?? join(ctx.home, 'audit', 'audit.db');
    if (forSession) return openSqliteStoreInWorker({ path, keyPath: signingKeyPath(ctx), cadence: policy.checkpoint }, ctx.helpers.auditWorker, early);
    return openSqliteStore(path, { signer: await openSigner(ctx), cadence: policy.checkpoint, nowMs: () => ctx.clock.nowMs() });
  }
  const source = store.password;
  const readSecret = await secretReader(ctx);
  return openPostgresStore(store.url, {
    signer: await openSigner(ctx),
    cadence: policy.checkpoint,
    nowMs: () => ctx.clock.nowMs(),
    ...(source === undefined ? {} : { password: async () => (await readSecret('audit.store.password', source)).reveal() }),
  });
}

/** Credential sources read from airlock's own environment (the proxy's reader, loaded on demand). */
async function secretReader(ctx: CliContext): Promise<(where: string, source: CredentialSource) => Promise<Secret>> {
  const { readCredentialSource } = await import('../proxy/index.js');
  return (where, source) => readCredentialSource(where, source, ctx.env);
}

/**
 * Who is running airlock. Under sudo, the person who ran sudo (sudo sets SUDO_USER and
 * SUDO_UID, and only root can fake them). Not verified: no identity provider vouches yet.
 */
export function actorOf(ctx: CliContext): AuditActor {
  const info = userInfo();
  const sudoUid = Number(ctx.env.SUDO_UID);
  const viaSudo = info.uid === 0 && ctx.env.SUDO_USER !== undefined && Number.isInteger(sudoUid);
  return { user: viaSudo ? (ctx.env.SUDO_USER as string) : info.username, uid: viaSudo ? sudoUid : info.uid, verified: false, host: hostname() };
}

/** Runs fn with the store the org policy names (and that policy), closing the store after. */
export async function withAuditStore<T>(ctx: CliContext, fn: (store: AuditStore, policy: AuditPolicy) => Promise<T>): Promise<T> {
  const { loadEffectivePolicy } = await import('../policy/index.js');
  const { audit } = (await loadEffectivePolicy({ orgFile: orgPolicyFile(ctx) })).policy;
  const store = await openAuditStore(ctx, audit);
  try {
    return await fn(store, audit);
  } finally {
    await store.close();
  }
}

/**
 * The forwarder that delivers the log to the policy's sinks (audit.sinks), started;
 * undefined when there are none. Sinks read from the store, so a receiver that is down
 * only makes its cursor lag: the next session, or `airlock audit ship`, catches it up.
 */
export async function startSinks(ctx: CliContext, policy: AuditPolicy, store: AuditStore): Promise<Forwarder | undefined> {
  if (policy.sinks.length === 0) return undefined;
  const readSecret = await secretReader(ctx);
  const { createForwarder, openSinkTargets } = await loadSinks();
  const sinks = await openSinkTargets(policy.sinks, {
    readSecret: (source) => readSecret('audit.sinks token', source),
    hostname: hostname(),
    logger: ctx.logger,
    nowMs: () => ctx.clock.nowMs(),
  });
  const forwarder = createForwarder({ store, sinks, logger: ctx.logger, retry: { initialMs: 500, maxMs: 30_000 }, clock: ctx.clock });
  forwarder.start();
  return forwarder;
}
