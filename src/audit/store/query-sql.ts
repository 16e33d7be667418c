import type { AuditQuery } from './types.js';

/**
 * Builds the WHERE clause of a query; values go as parameters, never into the text.
 * `extra` are the store's own terms (constant SQL, no caller input), ANDed on.
 */
export function whereClause(filter: AuditQuery, placeholder: (index: number) => string, extra: readonly string[] = []): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, op: string, value: unknown) => {
    params.push(value);
    parts.push(`${column} ${op} ${placeholder(params.length)}`);
  };
  if (filter.since !== undefined) add('time', '>=', filter.since);
  if (filter.until !== undefined) add('time', '<', filter.until);
  if (filter.sessionId !== undefined) add('session_id', '=', filter.sessionId);
  if (filter.user !== undefined) add('user_name', '=', filter.user);
  if (filter.repo !== undefined) add('repo', '=', filter.repo);
  if (filter.tool !== undefined) add('tool', '=', filter.tool);
  if (filter.decision !== undefined) add('decision', '=', filter.decision);
  if (filter.afterSeq !== undefined) add('seq', '>', filter.afterSeq);
  if (filter.types !== undefined) {
    if (filter.types.length === 0) parts.push('0 = 1');
    else {
      const marks = filter.types.map((t) => {
        params.push(t);
        return placeholder(params.length);
      });
      parts.push(`type IN (${marks.join(', ')})`);
    }
  }
  parts.push(...extra);
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}
