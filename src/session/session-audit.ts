import type { AirlockError, Clock, Logger } from '../core/index.js';
import { createSessionId } from '../core/index.js';
import { createAuditWriter } from '../audit/index.js';
import type { AuditActor, AuditSink, AuditStore, AuditWriter, EventContext } from '../audit/index.js';
import type { AuditPolicy } from '../policy/index.js';
import type { GitRunner, RepoChanges, RepoSnapshot } from '../workspace/index.js';
import { compilePathPattern, disposeSnapshot, matchFileOrDirectory, gitChanges, gitSnapshot } from '../workspace/index.js';
import { createEgressTally } from './egress-tally.js';

/** What a session needs to keep its audit record; the CLI opens the store. */
export interface SessionAuditDeps {
  store: AuditStore;
  policy: AuditPolicy;
  actor: AuditActor;
  /** Runs git for the repository facts (argv, never a shell). */
  git: GitRunner;
  /** Wakes the sink forwarder after commits; drains it at the end. */
  sinks?: { notify(): void; drain(timeoutMs: number): Promise<unknown> };
}

export interface StartFacts {
  sessionId: string;
  repoDir: string;
  tool: Promise<EventContext['tool']>;
  driver: string;
  policyHash: string;
  argv: readonly string[];
  /** workspace.protected: a change to a match (one policy let through) is flagged at the end. */
  protectedPatterns: readonly string[];
  /** Review mode: the session works on a copy (repoDir) of this repository. */
  reviewOf?: string;
}

export interface EndFacts {
  exitCode: number;
  endedBy: string;
  oomKilled: boolean;
}

/** A session's audit trail: its start and end records, and the sink its events go to. */
export interface SessionAudit {
  /** The sink for the proxy: counts egress on the way, refuses when fail-closed says so. */
  readonly sink: AuditSink;
  readonly writer: AuditWriter;
  /**
   * The start record is durable (fail open: or waits in memory). Await it before the
   * sandbox starts; rejects with 'AUDIT_UNAVAILABLE' when policy fails closed.
   */
  readonly started: Promise<void>;
  /** Writes the end record, a checkpoint over it, and closes. Never throws. */
  end(facts: EndFacts): Promise<void>;
}

/**
 * Opens a session's audit trail and writes its start: who, which repository at which
 * commit, which tool and image, which driver and policy. The caller awaits `started`
 * before the sandbox exists, so the record is on disk first; when it cannot be written
 * and policy fails closed, the session does not start (AirlockError 'AUDIT_UNAVAILABLE').
 */
export async function startSessionAudit(deps: SessionAuditDeps, facts: StartFacts, options: { clock: Clock; logger: Logger; onUnavailable: (error: AirlockError, state: { accepting: boolean }) => void }): Promise<SessionAudit> {
  const { clock, logger } = options;
  const startedMs = clock.nowMs();
  // If describing the image fails (IMAGE_MISSING), that error is the session's.
  const [snapshot, described] = await Promise.allSettled([gitSnapshot(facts.repoDir, deps.git), facts.tool]);
  if (snapshot.status === 'rejected') throw snapshot.reason;
  const before = snapshot.value;
  if (described.status === 'rejected') {
    await disposeSnapshot(before);
    throw described.reason;
  }
  const tool = described.value;
  // In review mode the events name the person's repository; the copy is in `review`.
  const context: EventContext = { sessionId: facts.sessionId, actor: deps.actor, policyHash: facts.policyHash, tool, repo: facts.reviewOf ?? facts.repoDir, driver: facts.driver };
  // Settled by the start record's commit, or by the first failure: fail closed refuses
  // to start, fail open starts with the record waiting in memory.
  let settleStart = { resolve: (): void => undefined, reject: (_error: unknown): void => undefined };
  const started = new Promise<void>((resolve, reject) => (settleStart = { resolve, reject }));
  started.catch(() => undefined);
  const writer = createAuditWriter({
    store: deps.store, context, failMode: deps.policy.failMode, logger,
    newId: () => createSessionId(clock.nowMs()),
    onUnavailable: (error, state) => {
      if (state.accepting) settleStart.resolve();
      else settleStart.reject(error);
      options.onUnavailable(error, state);
    },
    ...(deps.sinks ? { onCommitted: () => deps.sinks?.notify() } : {}),
  });
  const tally = createEgressTally();
  const time = () => new Date(clock.nowMs()).toISOString();
  writer.record({ type: 'session.started', time: time(), sessionId: facts.sessionId, argv: facts.argv, git: repoFacts(before), review: reviewFacts(facts) }).then(settleStart.resolve, settleStart.reject);
  const sink: AuditSink = {
    write(event) {
      tally.observe(event);
      writer.write(event);
    },
    get accepting() {
      return writer.accepting;
    },
    close: async () => {},
  };
  return {
    sink,
    writer,
    started,
    async end(end) {
      const changes = await gitChanges(facts.repoDir, before, deps.git, { maxPatchBytes: deps.policy.maxPatchBytes }).catch((error: unknown) => {
        logger.warn(`audit: could not read the repository's changes: ${(error as Error).message}`);
        return undefined;
      });
      await disposeSnapshot(before);
      const patch = changes === undefined ? undefined : await storePatch(deps.store, changes, logger);
      const record = {
        type: 'session.ended', time: time(), sessionId: facts.sessionId,
        exitCode: end.exitCode, endedBy: end.endedBy, oomKilled: end.oomKilled || undefined, durationMs: clock.nowMs() - startedMs,
        egress: tally.egress(), findings: tally.findings(), codeEgress: emptyToUndefined(tally.codeEgress()),
        git: changes === undefined ? undefined : { headAfter: changes.headAfter, commitsMade: changes.commitsMade, historyRewritten: changes.historyRewritten, filesChanged: changes.filesChanged, patch },
        controlFilesChanged: changes === undefined ? undefined : controlFileChanges(changes, facts.protectedPatterns),
        review: facts.reviewOf === undefined ? undefined : 'suggested',
      };
      // Not awaited alone: with the store down it would wait forever; close() bounds it.
      const written = writer.record(record).catch(() => undefined);
      await writer.close();
      await written;
      if (writer.unwritten > 0) logger.warn(`audit: ${writer.unwritten} events of session ${facts.sessionId} could not be written to ${deps.store.location}`);
      else await deps.store.checkpoint().catch((error: unknown) => logger.warn(`audit: no end-of-session checkpoint: ${(error as Error).message}`));
      await deps.sinks?.drain(2000);
    },
  };
}

/** Changed files that match a protected pattern: only policy's writable list lets those through. */
function controlFileChanges(changes: RepoChanges, patterns: readonly string[]): { path: string; pattern: string; change: string }[] | undefined {
  const compiled = patterns.map(compilePathPattern);
  const flagged = changes.filesChanged.flatMap((f) => {
    const hit = matchFileOrDirectory(compiled, f.path);
    return hit === undefined ? [] : [{ path: f.path, pattern: hit.source, change: f.status }];
  });
  return flagged.length === 0 ? undefined : flagged;
}

function emptyToUndefined<T extends object>(value: T): T | undefined {
  return Object.keys(value).length === 0 ? undefined : value;
}

function reviewFacts(facts: StartFacts): { of: string; copy: string } | undefined {
  return facts.reviewOf === undefined ? undefined : { of: facts.reviewOf, copy: facts.repoDir };
}

function repoFacts(s: RepoSnapshot): Record<string, unknown> {
  return { isGit: s.isGit, root: s.root, remoteUrl: s.remoteUrl, branch: s.branch, head: s.head, dirty: s.dirty, startTree: s.startTree, note: s.note };
}

async function storePatch(store: AuditStore, changes: RepoChanges, logger: Logger): Promise<Record<string, unknown> | undefined> {
  if (changes.patch.length === 0) return undefined;
  try {
    const digest = await store.putBlob(changes.patch);
    return { digest, bytes: changes.patchBytes, stored: changes.patch.length, truncated: changes.patchTruncated };
  } catch (error) {
    logger.warn(`audit: the session's patch could not be stored: ${(error as Error).message}`);
    return { bytes: changes.patchBytes, stored: 0, truncated: true };
  }
}
