import type { AuditEvent, AuditStore, ChainedRecord } from '../../audit/index.js';

type Fields = Record<string, unknown>;

/** A session as its start and end records tell it. */
export interface SessionSummary {
  sessionId: string;
  startedAt: string;
  endedAt?: string;
  user: string;
  userVerified: boolean;
  host: string;
  tool: { name: string; version: string | null; image: string; digest: string | null };
  driver: string;
  policyHash: string;
  repo: string;
  argv: string[];
  git: Fields;
  /** Absent while the session runs (or when it ended without a record: killed). */
  end?: {
    exitCode: number;
    endedBy: string;
    durationMs: number;
    egress: Record<string, { allowed: number; denied: number }>;
    findings: Fields[];
    git?: Fields;
    /** Changes to protected paths that workspace.writable let through. */
    controlFilesChanged: { path: string; pattern: string; change: string }[];
    /** Per destination: the repository files its requests carried, and the largest fraction of each. */
    codeEgress: Record<string, { path: string; fraction: number }[]>;
  };
}

export function summarize(start: AuditEvent, end: AuditEvent | undefined): SessionSummary {
  const s = start as Fields;
  const actor = (s.actor ?? {}) as Fields;
  const tool = (s.tool ?? {}) as SessionSummary['tool'];
  const summary: SessionSummary = {
    sessionId: start.sessionId,
    startedAt: start.time,
    user: String(actor.user ?? '?'),
    userVerified: actor.verified === true,
    host: String(actor.host ?? '?'),
    tool,
    driver: String(s.driver ?? '?'),
    policyHash: String(s.policyHash ?? ''),
    repo: String(s.repo ?? '?'),
    argv: Array.isArray(s.argv) ? (s.argv as string[]) : [],
    git: (s.git ?? {}) as Fields,
  };
  if (end === undefined) return summary;
  const e = end as Fields;
  return {
    ...summary,
    endedAt: end.time,
    end: {
      exitCode: Number(e.exitCode),
      endedBy: String(e.endedBy ?? '?'),
      durationMs: Number(e.durationMs ?? 0),
      egress: (e.egress ?? {}) as Record<string, { allowed: number; denied: number }>,
      findings: (e.findings ?? []) as Fields[],
      ...(e.git === undefined ? {} : { git: e.git as Fields }),
      controlFilesChanged: (e.controlFilesChanged ?? []) as { path: string; pattern: string; change: string }[],
      codeEgress: (e.codeEgress ?? {}) as Record<string, { path: string; fraction: number }[]>,
    },
  };
}

const SESSION_TYPES = ['session.started', 'session.ended'];

/** The newest `limit` sessions matching the filter, newest first. */
export async function listSessions(store: AuditStore, filter: { since?: string; user?: string; repo?: string; tool?: string }, limit: number): Promise<SessionSummary[]> {
  const starts = await store.query({ ...filter, types: ['session.started'], newest: true, limit });
  const oldest = starts[0];
  if (oldest === undefined) return [];
  // One query for every end: a session ends after it starts, so after the oldest start.
  const ends = new Map<string, AuditEvent>();
  for (const r of await store.query({ types: ['session.ended'], afterSeq: oldest.seq })) ends.set(r.event.sessionId, r.event);
  return starts.reverse().map((start) => summarize(start.event, ends.get(start.event.sessionId)));
}

/** One session's records: its start and end, and how many events it has. */
export async function findSession(store: AuditStore, id: string): Promise<{ summary: SessionSummary; events: number } | undefined> {
  const records: ChainedRecord[] = await store.query({ sessionId: id });
  const start = records.find((r) => r.event.type === SESSION_TYPES[0]);
  if (start === undefined) return undefined;
  const end = records.find((r) => r.event.type === SESSION_TYPES[1]);
  return { summary: summarize(start.event, end?.event), events: records.length };
}
