import { spawn } from 'node:child_process';
import { lchown, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stampEvent } from '../../audit/index.js';
import type { AuditEvent, AuditStore } from '../../audit/index.js';
import { AirlockError } from '../../core/index.js';
import { parseOptions, writeJson } from '../args.js';
import { actorOf, withAuditStore } from '../audit-store.js';
import type { CliContext } from '../context.js';
import { removeReviewCopy } from './review-copy.js';

interface Review {
  start: AuditEvent;
  of: string;
  patchDigest: string | undefined;
  truncated: boolean;
  /** review.applied or review.discarded, when already decided. */
  decided: string | undefined;
  /** Paths the session changed, as the end record lists them. */
  files: string[];
}

/** A review session's facts from the log; USAGE when the session was not run with --review. */
async function findReview(store: AuditStore, id: string): Promise<Review> {
  const records = await store.query({ sessionId: id, types: ['session.started', 'session.ended', 'review.applied', 'review.discarded'] });
  const start = records.find((r) => r.event.type === 'session.started')?.event;
  if (start === undefined) throw new AirlockError('SESSION_NOT_FOUND', `no session ${id} in the audit log ${store.location}: airlock sessions list shows the recorded ones`);
  const review = start.review as { of?: string } | undefined;
  if (review?.of === undefined) throw new AirlockError('USAGE', `session ${id} was not run with --review: its changes are already in the repository`);
  const end = records.find((r) => r.event.type === 'session.ended')?.event;
  if (end === undefined) throw new AirlockError('USAGE', `session ${id} has not ended (or airlock was killed before its end record): nothing to review yet`);
  const patch = (end.git as { patch?: { digest?: string; truncated?: boolean } } | undefined)?.patch;
  const decided = records.find((r) => r.event.type.startsWith('review.'))?.event.type;
  const files = ((end.git as { filesChanged?: { path: string }[] } | undefined)?.filesChanged ?? []).map((f) => f.path);
  return { start, of: review.of, patchDigest: patch?.digest, truncated: patch?.truncated === true, decided, files };
}

/** Records the person's decision, in the session's own trail. */
async function recordDecision(ctx: CliContext, store: AuditStore, review: Review, type: 'review.applied' | 'review.discarded'): Promise<void> {
  const s = review.start;
  const t = (s.tool ?? {}) as Record<string, unknown>;
  const tool = { name: String(t.name), version: typeof t.version === 'string' ? t.version : null, image: String(t.image), digest: typeof t.digest === 'string' ? t.digest : null };
  const context = { sessionId: s.sessionId, actor: actorOf(ctx), policyHash: String(s.policyHash), tool, repo: review.of, driver: String(s.driver) };
  const time = new Date(ctx.clock.nowMs()).toISOString();
  const id = `${s.sessionId}-${type}`;
  await store.append([stampEvent(context, id, { type, time, sessionId: s.sessionId, patch: review.patchDigest })]);
  await store.checkpoint();
}

/** Applied as root, files would become root's: they take the repository's owner instead. */
async function giveToRepoOwner(repo: string, files: readonly string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const owner = await stat(repo);
  for (const file of files) await lchown(join(repo, file), owner.uid, owner.gid).catch(() => undefined);
}

function gitApply(repo: string, patch: Buffer): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('git', ['-c', `safe.directory=${repo}`, 'apply', '--whitespace=nowarn', '-'], { cwd: repo, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (error) => resolve({ code: 127, stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(patch);
  });
}

/** `airlock apply <session-id> [--json]`: the review session's changes, into the repository. */
export async function apply(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('apply', args, { json: { type: 'boolean' } }, true);
  const id = onlyId(positionals, 'apply');
  return withAuditStore(ctx, async (store) => {
    const review = await findReview(store, id);
    if (review.decided !== undefined) throw new AirlockError('USAGE', `session ${id} was already ${review.decided.slice('review.'.length)}`);
    if (review.truncated) throw new AirlockError('USAGE', `session ${id}'s patch was cut at audit.maxPatchBytes: apply it by hand from ${ctx.home}/reviews/${id}/repo`);
    const patch = review.patchDigest === undefined ? Buffer.alloc(0) : await store.getBlob(review.patchDigest);
    if (patch === undefined) throw new AirlockError('AUDIT_UNAVAILABLE', `session ${id}'s patch ${review.patchDigest ?? ''} is missing from the audit store`);
    if (patch.length > 0) {
      const r = await gitApply(review.of, patch);
      if (r.code !== 0) throw new AirlockError('USAGE', `the changes of session ${id} do not apply to ${review.of} (it changed since): ${r.stderr.trim().split('\n').slice(0, 3).join('; ')}; nothing was changed`);
      await giveToRepoOwner(review.of, review.files);
    }
    await recordDecision(ctx, store, review, 'review.applied');
    await removeReviewCopy(ctx.home, id);
    if (values.json === true) writeJson(ctx.stdout, { sessionId: id, applied: true, repo: review.of, patchBytes: patch.length });
    else ctx.stdout.write(patch.length === 0 ? `session ${id} changed nothing; recorded as applied\n` : `applied session ${id}'s changes to ${review.of}\n`);
    return 0;
  });
}

/** `airlock discard <session-id> [--json]`: drops the review session's changes and its copy. */
export async function discard(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('discard', args, { json: { type: 'boolean' } }, true);
  const id = onlyId(positionals, 'discard');
  return withAuditStore(ctx, async (store) => {
    const review = await findReview(store, id);
    if (review.decided !== undefined) throw new AirlockError('USAGE', `session ${id} was already ${review.decided.slice('review.'.length)}`);
    await recordDecision(ctx, store, review, 'review.discarded');
    await removeReviewCopy(ctx.home, id);
    if (values.json === true) writeJson(ctx.stdout, { sessionId: id, discarded: true });
    else ctx.stdout.write(`discarded session ${id}'s changes; ${review.of} is as it was\n`);
    return 0;
  });
}

function onlyId(positionals: string[], verb: string): string {
  const [id, extra] = positionals;
  if (id === undefined || extra !== undefined) throw new AirlockError('USAGE', `usage: airlock ${verb} <session-id> (a session run with airlock run --review)`);
  return id;
}
