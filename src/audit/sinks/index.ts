/**
 * audit/sinks: the audit log delivered from the store to files, syslog, OTLP collectors
 * and Splunk HEC, at least once and in seq order.
 *
 * - createForwarder: reads each sink's cursor ("sink:<name>") in the store, delivers what
 *   follows, and moves the cursor only once the receiver has it. The store is the spool:
 *   a receiver that is down never blocks the writer or loses a record; its cursor lags.
 * - openSinkTarget(s): builds the sinks from the policy's audit.sinks entries (the only place that
 *   chooses an implementation); jsonl, syslog (RFC 5424 over TCP/TLS with octet
 *   counting), otlp (OTLP/HTTP JSON logs) and hec (Splunk HTTP Event Collector).
 *
 * Failure codes: deliver() rejects with AUDIT_UNAVAILABLE (retry may work) or
 * CONFIG_INVALID (it will not until the configuration or receiver changes); the forwarder
 * keeps retrying both, and never throws into its caller.
 * Security invariant: credentials come through the injected readSecret as Secret, travel
 * only in request headers and never appear in messages or errors.
 */
export type { AuditSinkTarget, CredentialSource, ReadSecret, SinkConfig, JsonlSinkConfig, SyslogSinkConfig, OtlpSinkConfig, HecSinkConfig } from './types.js';
export { SYSLOG_FACILITIES, sinkNameOf } from './types.js';
export { createForwarder } from './forwarder.js';
export type { Forwarder, ForwarderOptions, SetTimer, SinkStatus } from './forwarder.js';
export { openSinkTarget, openSinkTargets } from './open.js';
export type { SinkDependencies } from './open.js';
export { openJsonlTarget, jsonlLine } from './jsonl.js';
export { openSyslogTarget } from './syslog.js';
export { SYSLOG_SD_ID, formatSyslogMessage, frameOctetCounted } from './syslog-format.js';
export { openOtlpTarget, otlpLogsRequest } from './otlp.js';
export { openHecTarget, hecEvent } from './hec.js';
