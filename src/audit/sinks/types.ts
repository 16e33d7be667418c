import type { Secret } from '../../core/index.js';
import type { ChainedRecord } from '../chain/index.js';

/**
 * A receiver of audit records: a file, a syslog server, an OTLP collector, a Splunk HEC.
 * The forwarder calls deliver() with records in seq order, never twice at once, and moves
 * the sink's cursor in the store only after it resolved: so the store is the spool and a
 * receiver that is down only makes the cursor lag.
 */
export interface AuditSinkTarget {
  /** Names the cursor ("sink:<name>") and appears in messages. */
  readonly name: string;
  /**
   * Resolves once the receiver has the records (what that means is each sink's own
   * boundary, documented on its open function). Rejects with AirlockError otherwise:
   * 'AUDIT_UNAVAILABLE' when trying again later may work (receiver down, busy, 5xx),
   * 'CONFIG_INVALID' when it will not until someone changes the configuration or the
   * receiver (HTTP 400/401/403/404, an untrusted certificate). The records stay pending
   * either way.
   */
  deliver(records: readonly ChainedRecord[]): Promise<void>;
  /** Releases files and sockets; deliver() must not be called afterwards. */
  close(): Promise<void>;
}

/**
 * Where a credential comes from. The caller resolves it (only cli/ reads the environment).
 * The policy's schema (policy/audit-schema.ts) validates sink configuration; these are the
 * shapes it produces, so the sinks never parse configuration themselves.
 */
export type CredentialSource = { env: string } | { file: string } | { command: string[]; ttlSeconds: number };

/**
 * Resolves a credential source to its value. Rejects with AirlockError 'CONFIG_INVALID'
 * when the variable is unset or the file unreadable; the message names the source, never
 * the value.
 */
export type ReadSecret = (source: CredentialSource) => Promise<Secret<string>>;

/** RFC 5424 section 6.2.1 facility names and their numbers. */
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

type FacilityName = keyof typeof SYSLOG_FACILITIES;

export interface JsonlSinkConfig {
  kind: 'jsonl';
  name?: string | undefined;
  path: string;
  /** The file is rotated before a batch would make it larger than this. */
  maxBytes: number;
  /** Rotated files kept: path.1 (newest) … path.<keep> (oldest). */
  keep: number;
}

export interface SyslogSinkConfig {
  kind: 'syslog';
  name?: string | undefined;
  host: string;
  port: number;
  /** RFC 5425 syslog over TLS; the server is verified against caFile, else the system CAs. */
  tls: boolean;
  caFile?: string | undefined;
  appName: string;
  facility: FacilityName | number;
}

export interface OtlpSinkConfig {
  kind: 'otlp';
  name?: string | undefined;
  url: string;
  headers?: Record<string, string> | undefined;
}

export interface HecSinkConfig {
  kind: 'hec';
  name?: string | undefined;
  url: string;
  token: CredentialSource;
}

/** One entry of the policy's audit.sinks, as the policy schema parsed it. */
export type SinkConfig = JsonlSinkConfig | SyslogSinkConfig | OtlpSinkConfig | HecSinkConfig;

/** A sink's name: its own, else its kind. */
export function sinkNameOf(config: { kind: string; name?: string | undefined }): string {
  return config.name ?? config.kind;
}

/** The facility number of a name or number. */
export function facilityNumber(facility: FacilityName | number): number {
  return typeof facility === 'number' ? facility : SYSLOG_FACILITIES[facility];
}
