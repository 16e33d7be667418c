import { readFile } from 'node:fs/promises';
import { connect as connectTcp, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { AirlockError } from '../../core/index.js';
import { formatSyslogMessage, frameOctetCounted } from './syslog-format.js';
import type { AuditSinkTarget } from './types.js';

export interface SyslogTargetOptions {
  name: string;
  host: string;
  port: number;
  /** RFC 5425 TLS; the server certificate is verified against caFile, else the system CAs. */
  tls: boolean;
  caFile?: string | undefined;
  appName: string;
  facility: number;
  /** Connecting, and each write, must finish within this; an idle connection closes after it. Default 10 s. */
  ioTimeoutMs?: number;
}

const IO_TIMEOUT_MS = 10_000;

/** Node's codes for a server certificate we do not trust: only configuration fixes those. */
const UNTRUSTED_CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/**
 * Sends records to a syslog server over TCP or TLS as RFC 5424 messages framed by octet
 * counting (RFC 6587 section 3.4.1, RFC 5425 section 4.3), one connection kept open and
 * made again after any failure.
 *
 * The at-least-once boundary: syslog over TCP has no application acknowledgement, so
 * deliver() resolves once the bytes are written and flushed to the kernel (the socket
 * write completed). A connection found closed before or during a write rejects, and the
 * records are sent again from the cursor; bytes the kernel accepted in the instant the
 * server died are the one loss this protocol allows (RELP would close it). A server that
 * closed the connection is noticed before the next write, so a restart loses nothing.
 *
 * Reads caFile now: rejects with 'CONFIG_INVALID' if it cannot. deliver() rejects with
 * 'AUDIT_UNAVAILABLE' (refused, reset, timed out) or 'CONFIG_INVALID' (an untrusted
 * server certificate).
 */
export async function openSyslogTarget(options: SyslogTargetOptions): Promise<AuditSinkTarget> {
  const ca = options.caFile === undefined ? undefined : await readCa(options.caFile);
  const ioTimeoutMs = options.ioTimeoutMs ?? IO_TIMEOUT_MS;
  const where = `${options.host}:${String(options.port)}`;
  let current: Socket | undefined;
  let closed = false;

  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = options.tls
        ? connectTls({ host: options.host, port: options.port, ca, servername: isIP(options.host) === 0 ? options.host : undefined })
        : connectTcp({ host: options.host, port: options.port });
      socket.setTimeout(ioTimeoutMs);
      const fail = (error: Error) => {
        socket.destroy();
        reject(failure(options, where, error));
      };
      const timedOut = () => fail(new Error(`no connection within ${String(ioTimeoutMs)} ms`));
      socket.once('error', fail).once('timeout', timedOut);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', fail).off('timeout', timedOut);
        resolve(adopt(socket));
      });
    });

  // A server sends nothing on this protocol; reading lets us see its FIN, so a connection
  // it closed (a restart) is dropped before we write into it.
  const adopt = (socket: Socket): Socket => {
    socket.setNoDelay(true);
    socket.resume();
    const drop = () => {
      if (current === socket) current = undefined;
      socket.destroy();
    };
    socket.on('end', drop).on('error', drop).on('timeout', drop).on('close', drop);
    current = socket;
    return socket;
  };

  const usable = (socket: Socket | undefined): socket is Socket =>
    socket !== undefined && !socket.destroyed && socket.writable && !socket.readableEnded;

  return {
    name: options.name,
    async deliver(records) {
      if (closed) throw new AirlockError('INTERNAL', `the audit sink ${options.name} is closed`);
      if (records.length === 0) return;
      const bytes = Buffer.concat(records.map((r) => frameOctetCounted(formatSyslogMessage(r, options))));
      const socket = usable(current) ? current : await open();
      await writeFlushed(socket, bytes).catch((error: unknown) => {
        socket.destroy();
        throw failure(options, where, error as Error);
      });
    },
    async close() {
      closed = true;
      const socket = current;
      current = undefined;
      if (socket !== undefined) await endSocket(socket);
    },
  };
}

/** Resolves when the socket handed every byte to the kernel; rejects if it closes first. */
function writeFlushed(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('the connection closed during the write'));
    socket.once('close', onClose);
    socket.write(bytes, (error) => {
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** Ends the connection (TLS close_notify included), giving up after a second. */
function endSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end();
  });
}

async function readCa(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new AirlockError('CONFIG_INVALID', `cannot read the syslog sink's caFile ${path}: ${(error as Error).message}; point caFile at the PEM file of the CA that signed the syslog server's certificate`, { cause: error });
  }
}

function failure(options: SyslogTargetOptions, where: string, error: Error): AirlockError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (options.tls && UNTRUSTED_CERT.test(code)) {
    return new AirlockError('CONFIG_INVALID', `the syslog server at ${where} presented a certificate that is not trusted (${code}: ${error.message}); set caFile to the CA that signed it, or fix the server's certificate. The records stay in the audit store`, { cause: error });
  }
  const reason = code === '' ? error.message : `${code}: ${error.message}`;
  return new AirlockError('AUDIT_UNAVAILABLE', `cannot send audit records to the syslog server at ${where} (${reason}); they stay in the audit store and are sent when it is back`, { cause: error });
}
