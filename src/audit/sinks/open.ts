import type { Logger } from '../../core/index.js';
import { openHecTarget } from './hec.js';
import { openJsonlTarget } from './jsonl.js';
import { openOtlpTarget } from './otlp.js';
import { openSyslogTarget } from './syslog.js';
import { facilityNumber, sinkNameOf } from './types.js';
import type { AuditSinkTarget, ReadSecret, SinkConfig } from './types.js';

/** What sinks need from the caller: passed in, never read from the process here. */
export interface SinkDependencies {
  /** Resolves HEC tokens; called at a sink's first delivery, not now. */
  readSecret: ReadSecret;
  /** This machine's name, for events that carry no actor.host. */
  hostname: string;
  logger: Logger;
  nowMs: () => number;
}

/**
 * The one place that picks a sink implementation for a configuration entry (already
 * parsed by the policy's schema). Nothing connects yet: receivers that are down make the
 * first delivery fail, not this. Rejects with 'CONFIG_INVALID' only for what no retry can
 * fix (a syslog caFile that cannot be read).
 */
export async function openSinkTarget(config: SinkConfig, deps: SinkDependencies): Promise<AuditSinkTarget> {
  const name = sinkNameOf(config);
  switch (config.kind) {
    case 'jsonl':
      return openJsonlTarget({ name, path: config.path, maxBytes: config.maxBytes, keep: config.keep });
    case 'syslog':
      return openSyslogTarget({ name, host: config.host, port: config.port, tls: config.tls, caFile: config.caFile, appName: config.appName, facility: facilityNumber(config.facility) });
    case 'otlp':
      return openOtlpTarget({ name, url: config.url, headers: config.headers, logger: deps.logger, hostname: deps.hostname, nowMs: deps.nowMs });
    case 'hec':
      return openHecTarget({ name, url: config.url, token: config.token, readSecret: deps.readSecret, hostname: deps.hostname });
  }
}

/** Every configured sink, or none: if one cannot be opened, those opened are closed again. */
export async function openSinkTargets(configs: readonly SinkConfig[], deps: SinkDependencies): Promise<AuditSinkTarget[]> {
  const opened: AuditSinkTarget[] = [];
  try {
    for (const config of configs) opened.push(await openSinkTarget(config, deps));
    return opened;
  } catch (error) {
    await Promise.allSettled(opened.map((t) => t.close()));
    throw error;
  }
}
