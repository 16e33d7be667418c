import { AirlockError } from '../../core/index.js';
import type { ChainLink } from '../chain/index.js';
import type { PreparedEvent } from './batch.js';

/**
 * How appends cross between the caller's thread and the store's: flat arrays of strings
 * instead of an object per event. A structured clone of objects costs a property lookup
 * per key on both sides; strings in an array cost a copy. At 100 events per message
 * (.scratch measurement, v8.serialize/deserialize): prepared events 1.0 / 1.2 us per
 * event to send / receive as objects, 0.75 / 0.7 packed; links 0.6 / 0.5 as objects,
 * under 0.15 packed.
 */

/** Strings per event: its text, then the index columns in this order. */
const FIELDS_PER_EVENT = 9;

/** Prepared events as they cross: FIELDS_PER_EVENT entries per event. */
export type PackedEvents = (string | null)[];

export function packEvents(events: readonly PreparedEvent[]): PackedEvents {
  const packed: PackedEvents = [];
  for (const { text, columns: c } of events) packed.push(text, c.id, c.time, c.type, c.sessionId, c.user, c.repo, c.tool, c.decision);
  return packed;
}

/** Throws AirlockError 'INTERNAL' for an array packEvents did not make. */
export function unpackEvents(packed: unknown): PreparedEvent[] {
  if (!Array.isArray(packed) || packed.length % FIELDS_PER_EVENT !== 0) throw malformed('events');
  const events: PreparedEvent[] = [];
  const f = packed as unknown[];
  for (let i = 0; i < f.length; i += FIELDS_PER_EVENT) {
    for (let j = i; j < i + FIELDS_PER_EVENT; j++) if (!(typeof f[j] === 'string' || (j - i >= 5 && f[j] === null))) throw malformed('events');
    const s = (k: number) => f[i + k] as string;
    const n = (k: number) => f[i + k] as string | null;
    events.push({ text: s(0), columns: { id: s(1), time: s(2), type: s(3), sessionId: s(4), user: n(5), repo: n(6), tool: n(7), decision: n(8) } });
  }
  return events;
}

/** Consecutive links as they cross: the first seq and prevHash, then each hash. */
export interface PackedLinks {
  firstSeq: number;
  prevHash: string;
  hashes: string[];
}

/** Throws AirlockError 'INTERNAL' when the links are not consecutive (a store's bug). */
export function packLinks(links: readonly ChainLink[]): PackedLinks {
  const first = links[0];
  const hashes = links.map((l) => l.hash);
  const consecutive = links.every((l, i) => i === 0 || (l.seq === (first as ChainLink).seq + i && l.prevHash === hashes[i - 1]));
  if (!consecutive) throw malformed('links');
  return { firstSeq: first?.seq ?? 0, prevHash: first?.prevHash ?? '', hashes };
}

/** Throws AirlockError 'INTERNAL' for a value packLinks did not make. */
export function unpackLinks(packed: unknown): ChainLink[] {
  const p = packed as Partial<PackedLinks> | null;
  if (typeof p !== 'object' || p === null || !Number.isSafeInteger(p.firstSeq) || !isString(p.prevHash) || !Array.isArray(p.hashes) || !p.hashes.every(isString)) {
    throw malformed('links');
  }
  const { firstSeq, hashes } = p as PackedLinks;
  let prevHash = p.prevHash;
  return hashes.map((hash, i) => {
    const link = { seq: firstSeq + i, prevHash, hash };
    prevHash = hash;
    return link;
  });
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function malformed(what: string): AirlockError {
  return new AirlockError('INTERNAL', `the audit store's thread exchanged malformed ${what} (a worker from another Airlock build?): run npm run build`);
}
