import type { ChainedRecord } from '../../audit/index.js';

/** One line per event for people: time, seq, session, type, then what happened. */
export function formatEventLine(record: ChainedRecord): string {
  const e = record.event as Record<string, unknown>;
  const parts: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const target = str(e.host) === undefined ? undefined : `${String(e.host)}${e.port === undefined ? '' : `:${String(e.port)}`}${str(e.path) ?? ''}`;
  for (const v of [str(e.method), target, str(e.status), str(e.code), str(e.rule)]) if (v !== undefined) parts.push(v);
  if (e.type === 'session.started') parts.push(`${str((e.actor as Record<string, unknown>)?.user) ?? '?'} ran ${str((e.tool as Record<string, unknown>)?.name) ?? '?'} on ${str(e.repo) ?? '?'}`);
  if (e.type === 'session.ended') parts.push(`exit ${str(e.exitCode) ?? '?'} (${str(e.endedBy) ?? '?'})`);
  const session = typeof e.sessionId === 'string' ? e.sessionId.slice(-8) : '-';
  return `${String(e.time)}  #${record.seq}  ${session}  ${e.type}  ${parts.join(' ')}`.trimEnd();
}
