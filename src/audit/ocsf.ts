import type { ChainedRecord } from './chain/index.js';
import { ocsfClassOf } from './envelope.js';

/** The OCSF schema version the export follows. */
export const OCSF_VERSION = '1.3.0';

const CLASSES: Record<number, { name: string; category: number; categoryName: string }> = {
  1007: { name: 'Process Activity', category: 1, categoryName: 'System Activity' },
  2004: { name: 'Detection Finding', category: 2, categoryName: 'Findings' },
  2006: { name: 'Data Security Finding', category: 2, categoryName: 'Findings' },
  3002: { name: 'Authentication', category: 3, categoryName: 'Identity & Access Management' },
  4001: { name: 'Network Activity', category: 4, categoryName: 'Network Activity' },
  4002: { name: 'HTTP Activity', category: 4, categoryName: 'Network Activity' },
  6003: { name: 'API Activity', category: 6, categoryName: 'Application Activity' },
};

type Fields = Record<string, unknown>;

/**
 * One stored record as an OCSF event: the class, category, activity and type ids, the
 * time in epoch milliseconds, metadata (product, event id, the chain seq as sequence, the
 * session as correlation id), actor and device, the class's own objects where Airlock
 * has the data, and everything Airlock recorded in the `airlock` extension object.
 */
export function toOcsf(record: ChainedRecord): Fields {
  const e = record.event as Fields;
  const { classUid, activityId } = ocsfClassOf(record.event.type, e);
  const cls = CLASSES[classUid] ?? { name: 'Base Event', category: 0, categoryName: 'Uncategorized' };
  const actor = (e.actor ?? {}) as Fields;
  const denied = e.decision === 'deny';
  const base: Fields = {
    class_uid: classUid,
    class_name: cls.name,
    category_uid: cls.category,
    category_name: cls.categoryName,
    activity_id: activityId,
    type_uid: classUid * 100 + activityId,
    time: Date.parse(String(e.time)),
    severity_id: denied || classUid === 2004 || classUid === 2006 ? 3 : 1,
    status_id: e.type === 'net.request.failed' ? 2 : 1,
    message: String(e.type),
    metadata: {
      version: OCSF_VERSION,
      uid: e.id,
      sequence: record.seq,
      correlation_uid: e.sessionId,
      log_name: 'airlock.audit',
      product: { name: 'Airlock', vendor_name: 'Airlock' },
    },
    actor: { user: { name: actor.user, uid: String(actor.uid ?? ''), has_mfa: false }, session: { uid: e.sessionId } },
    device: { hostname: actor.host, type_id: 0 },
    airlock: { ...e, seq: record.seq, hash: record.hash },
  };
  if (e.decision !== undefined) Object.assign(base, { action_id: denied ? 2 : 1, disposition_id: denied ? 2 : 1 });
  return { ...base, ...classObjects(classUid, e) };
}

function classObjects(classUid: number, e: Fields): Fields {
  const endpoint = e.host === undefined ? undefined : { hostname: e.host, port: e.port };
  switch (classUid) {
    case 4002:
      return {
        http_request: { http_method: e.method, url: { hostname: e.host, port: e.port, path: e.path, scheme: e.mode === 'forward' ? 'http' : 'https' } },
        ...(e.status === undefined ? {} : { http_response: { code: e.status } }),
        dst_endpoint: endpoint,
        traffic: { bytes_out: e.bytesUp, bytes_in: e.bytesDown },
      };
    case 4001:
      return { dst_endpoint: { ...endpoint, ip: e.address }, traffic: { bytes_out: e.bytesUp, bytes_in: e.bytesDown }, connection_info: { protocol_name: 'tcp' } };
    case 1007: {
      const tool = (e.tool ?? {}) as Fields;
      return {
        process: { name: tool.name, cmd_line: Array.isArray(e.argv) ? (e.argv as unknown[]).join(' ') : undefined, file: { name: tool.image } },
        ...(e.exitCode === undefined ? {} : { exit_code: e.exitCode }),
      };
    }
    case 2004:
    case 2006:
      return { finding_info: { title: `${String(e.type)} ${String(e.code ?? '')}`.trim(), uid: e.id }, ...(endpoint ? { dst_endpoint: endpoint } : {}) };
    case 3002:
      return { service: { name: e.route }, dst_endpoint: endpoint };
    default:
      return { api: { operation: e.type } };
  }
}
