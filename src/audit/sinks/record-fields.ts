import { canonicalize } from '../../core/index.js';
import type { AuditEvent } from '../event.js';

/** How loud an event is for a SIEM: denials, misuse and findings warn, the rest informs. */
export type Severity = 'warning' | 'info';

const WARNING_WORDS = new Set(['denied', 'misuse', 'finding']);

/**
 * 'warning' for denials (a type segment "denied", or decision deny/denied), credential
 * misuse and findings (a segment "finding", or any dlp.* event), else 'info'.
 */
export function severityOf(event: AuditEvent): Severity {
  const segments = String(event.type).split('.');
  if (segments.some((s) => WARNING_WORDS.has(s)) || segments[0] === 'dlp') return 'warning';
  // The proxy writes decision "deny"; the store's query filter documents "denied".
  return event.decision === 'deny' || event.decision === 'denied' ? 'warning' : 'info';
}

/** The text receivers get as the event: its RFC 8785 form, the bytes the chain hashed. */
export function eventJson(event: AuditEvent): string {
  return canonicalize(event);
}

/** A string field of the event or of one of its objects (actor.host), if it is one. */
export function stringField(event: AuditEvent, ...path: string[]): string | undefined {
  let value: unknown = event;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' ? value : undefined;
}

/** The event's time in ms since the epoch; undefined when it is not a date. */
export function eventTimeMs(event: AuditEvent): number | undefined {
  const ms = Date.parse(String(event.time));
  return Number.isFinite(ms) ? ms : undefined;
}

/** A URL for messages: no user, password, query or fragment (they may hold credentials). */
export function urlForMessages(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
