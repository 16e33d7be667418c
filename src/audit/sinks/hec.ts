import { AirlockError, isAirlockError } from '../../core/index.js';
import type { Secret } from '../../core/index.js';
import type { ChainedRecord } from '../chain/index.js';
import { createHttpPoster, statusError } from './http-post.js';
import { eventTimeMs, stringField } from './record-fields.js';
import type { AuditSinkTarget, CredentialSource, ReadSecret } from './types.js';

export interface HecTargetOptions {
  name: string;
  /** The event endpoint, …/services/collector/event. */
  url: string;
  token: CredentialSource;
  readSecret: ReadSecret;
  /** `host` for events without actor.host. */
  hostname: string;
  timeoutMs?: number;
}

/**
 * One HEC event: time in epoch seconds with milliseconds, the actor's host, and the event
 * with the record's seq and hash added (the record's win over event fields of those names,
 * so a receiver can always de-duplicate by id and order by seq).
 */
export function hecEvent(record: ChainedRecord, hostname: string): Record<string, unknown> {
  const ms = eventTimeMs(record.event);
  return {
    // Without a time HEC stamps the event with its arrival; better than a wrong one.
    ...(ms === undefined ? {} : { time: ms / 1000 }),
    host: stringField(record.event, 'actor', 'host') ?? hostname,
    source: 'airlock',
    sourcetype: 'airlock:audit',
    event: { ...record.event, seq: record.seq, hash: record.hash },
  };
}

/** The body HEC's /services/collector/event takes: JSON objects one after another, one a line. */
export function hecBody(records: readonly ChainedRecord[], hostname: string): string {
  return records.map((r) => JSON.stringify(hecEvent(r, hostname))).join('\n');
}

/** 401 and 403: the token is wrong or was revoked; read it again before the next try. */
const TOKEN_REFUSED = new Set([401, 403]);

/**
 * Sends records to a Splunk HTTP Event Collector (or anything that speaks its event
 * endpoint) with `Authorization: Splunk <token>`. deliver() resolves on a 2xx answer.
 * 408, 429 and 5xx reject with 'AUDIT_UNAVAILABLE'; other statuses with 'CONFIG_INVALID'.
 *
 * Security invariant: the token is read through readSecret at the first delivery (and
 * again after a 401/403, in case it was rotated), travels only in the header, and never
 * appears in a message, log line or error, even when the receiver echoes it back.
 */
export function openHecTarget(options: HecTargetOptions): AuditSinkTarget {
  const url = new URL(options.url);
  const poster = createHttpPoster(url, 'Splunk HEC', options.timeoutMs);
  let token: Secret<string> | undefined;
  let closed = false;
  const readToken = async (): Promise<Secret<string>> => {
    if (token !== undefined) return token;
    try {
      token = await options.readSecret(options.token);
      return token;
    } catch (error) {
      if (isAirlockError(error)) throw error;
      throw new AirlockError('CONFIG_INVALID', `cannot read the token of audit sink ${options.name} from ${describeSource(options.token)}; set it there. The records stay in the audit store`, { cause: error });
    }
  };
  return {
    name: options.name,
    async deliver(records) {
      if (closed) throw new AirlockError('INTERNAL', `the audit sink ${options.name} is closed`);
      if (records.length === 0) return;
      const secret = await readToken();
      const result = await poster.post(hecBody(records, options.hostname), {
        'content-type': 'application/json',
        authorization: `Splunk ${secret.reveal()}`,
      });
      if (result.status >= 200 && result.status <= 299) return;
      if (TOKEN_REFUSED.has(result.status)) token = undefined;
      const value = secret.reveal();
      const redact = (text: string) => (value === '' ? text : text.split(value).join('[redacted]'));
      const retryable = result.status === 408 || result.status === 429 || result.status >= 500;
      throw statusError({ what: 'Splunk HEC', url, result, retryable, redact });
    },
    close() {
      closed = true;
      poster.close();
      return Promise.resolve();
    },
  };
}

function describeSource(source: CredentialSource): string {
  if ('env' in source) return `the environment variable ${source.env}`;
  return 'file' in source ? `the file ${source.file}` : `the command ${source.command[0] ?? ''}`;
}
