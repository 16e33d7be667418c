import type { ChainedRecord } from '../chain/index.js';
import { eventJson, severityOf, stringField } from './record-fields.js';

/**
 * The SD-ID of our structured data (RFC 5424 section 7.2.2: name@<private enterprise
 * number>). 32473 is the PEN RFC 5612 reserves for documentation; replace it with
 * Airlock's own once one is registered, receivers' parsing rules key on it.
 */
export const SYSLOG_SD_ID = 'airlock@32473';

/** RFC 5424 section 6.2.1 severities we use. */
const SEVERITY = { warning: 4, info: 6 } as const;

const NILVALUE = '-';
const BOM = '\u{FEFF}';
/** RFC 5424 section 6: TIMESTAMP is RFC 3339 with at most 6 fraction digits. */
const RFC5424_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export interface SyslogFormatOptions {
  appName: string;
  /** 0..23 (local0 is 16). */
  facility: number;
}

/**
 * One RFC 5424 message for a record:
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [airlock@32473 id=… sessionId=… seq=… hash=…] BOM{event}`
 * with PRI = facility * 8 + severity (warning for denials, misuse and findings, else info),
 * TIMESTAMP the event's time, HOSTNAME the actor's host, MSGID the event type and MSG the
 * event's RFC 8785 JSON in UTF-8 after a BOM (section 6.4).
 */
export function formatSyslogMessage(record: ChainedRecord, options: SyslogFormatOptions): string {
  const { event } = record;
  const pri = options.facility * 8 + SEVERITY[severityOf(event)];
  const header = [
    `<${String(pri)}>1`,
    timestampOf(event.time),
    printable(stringField(event, 'actor', 'host') ?? '', 255),
    printable(options.appName, 48),
    NILVALUE,
    printable(String(event.type), 32),
  ].join(' ');
  const params = {
    id: stringField(event, 'id') ?? '',
    sessionId: stringField(event, 'sessionId') ?? '',
    seq: String(record.seq),
    hash: record.hash,
  };
  return `${header} ${structuredData(SYSLOG_SD_ID, params)} ${BOM}${eventJson(event)}`;
}

/**
 * RFC 6587 section 3.4.1 (and RFC 5425 section 4.3) octet counting: the message's length
 * in bytes, a space, the message. It needs no escaping of newlines in the message.
 */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${String(body.length)} `, 'ascii'), body]);
}

/** One SD-ELEMENT; parameter values escaped as RFC 5424 section 6.3.3 requires. */
export function structuredData(id: string, params: Record<string, string>): string {
  const pairs = Object.entries(params).map(([name, value]) => ` ${name}="${escapeParamValue(value)}"`);
  return `[${id}${pairs.join('')}]`;
}

/** Section 6.3.3: '"', '\' and ']' MUST be escaped with a backslash. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** PRINTUSASCII (%d33-126) only, at most `max` characters; NILVALUE when nothing is left. */
export function printable(value: string, max: number): string {
  const kept = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return kept === '' ? NILVALUE : kept;
}

/** The event time as RFC 5424 wants it; re-formatted if it parses, NILVALUE if it does not. */
function timestampOf(time: unknown): string {
  const text = String(time);
  if (RFC5424_TIME.test(text)) return text;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : NILVALUE;
}
