import type BetterSqlite3 from 'better-sqlite3';
import type { ChainedRecord } from '../chain/index.js';
import { whereClause } from './query-sql.js';
import { recordOf } from './rows.js';
import { RARE_TYPES, isRareType } from './sqlite-schema.js';
import type { AuditQuery } from './types.js';

type Database = BetterSqlite3.Database;

/**
 * AuditStore.query on a version 2 file. Session and time filters first narrow the scan
 * to a seq range (from the sessions and spans tables, written with the records), then
 * every filter is applied to the rows in it, so the answer is the same as a full scan.
 * The range lookups are prepared once (`audit tail -f` queries again and again).
 */
export function createSqliteQuery(db: Database): (filter: AuditQuery) => ChainedRecord[] {
  const lookups: RangeLookups = {
    session: db.prepare('SELECT first_seq AS lo, last_seq AS hi FROM sessions WHERE session_id = ?'),
    since: db.prepare('SELECT first_seq AS lo FROM spans WHERE max_time >= ? ORDER BY first_seq LIMIT 1'),
    until: db.prepare('SELECT last_seq AS hi FROM spans WHERE min_time < ? ORDER BY first_seq DESC LIMIT 1'),
  };
  return (filter) => {
    const range = seqRange(lookups, filter);
    if (range === undefined) return [];
    const extra = [...range];
    if (filter.types !== undefined && filter.types.length > 0 && filter.types.every(isRareType)) extra.push(RARE_TYPES);
    const where = whereClause(filter, () => '?', extra);
    const order = filter.newest === true ? 'DESC' : 'ASC';
    const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const rows = db.prepare(`SELECT seq, prev_hash, hash, event FROM records ${where.sql} ORDER BY seq ${order}${limit}`).all(...where.params) as RecordRow[];
    const records = rows.map(recordOf);
    return filter.newest === true ? records.reverse() : records;
  };
}

type Statement = BetterSqlite3.Statement;

interface RangeLookups {
  session: Statement;
  since: Statement;
  until: Statement;
}

interface RecordRow {
  seq: number;
  prev_hash: string;
  hash: string;
  event: string;
}

/**
 * The seq bounds the filter implies, as SQL terms (integers read from the file, never
 * caller input); undefined when nothing can match.
 * - a session's records lie between its first and last seq;
 * - a record at or after `since` was written by a commit whose latest event time is at
 *   or after it: the first such commit's first seq bounds from below. `until` likewise,
 *   from the last commit whose earliest time is before it. Spans are scanned in seq
 *   order and stop at the first match, which is near the end for recent times.
 */
function seqRange(lookups: RangeLookups, filter: AuditQuery): string[] | undefined {
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  if (filter.sessionId !== undefined) {
    const s = lookups.session.get(filter.sessionId) as { lo: number; hi: number } | undefined;
    if (s === undefined) return undefined;
    lo = Math.max(lo, s.lo);
    hi = Math.min(hi, s.hi);
  }
  if (filter.since !== undefined) {
    const s = lookups.since.get(filter.since) as { lo: number } | undefined;
    if (s === undefined) return undefined;
    lo = Math.max(lo, s.lo);
  }
  if (filter.until !== undefined) {
    const s = lookups.until.get(filter.until) as { hi: number } | undefined;
    if (s === undefined) return undefined;
    hi = Math.min(hi, s.hi);
  }
  if (lo > hi) return undefined;
  const terms: string[] = [];
  if (Number.isSafeInteger(lo)) terms.push(`seq >= ${String(lo)}`);
  if (Number.isSafeInteger(hi)) terms.push(`seq <= ${String(hi)}`);
  return terms;
}
