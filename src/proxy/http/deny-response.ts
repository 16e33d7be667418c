import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Denial } from '../deny-codes.js';

export const DENY_HEADER = 'X-Airlock-Deny';

function body(denial: Denial): string {
  return `airlock: denied: ${denial.message}${denial.rule === undefined ? '' : ` [rule ${denial.rule}]`}\n`;
}

/** 403 with the machine-readable code and one line a person can act on. */
export function sendDenial(res: ServerResponse, denial: Denial, status = 403): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = body(denial);
  res.writeHead(status, { [DENY_HEADER]: denial.code, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

/** The same on a raw socket (CONNECT and upgrade requests), before any tunnel exists. */
export function writeDenial(socket: Duplex, denial: Denial, status = 403): void {
  const text = body(denial);
  const reason = status === 403 ? 'Forbidden' : status === 502 ? 'Bad Gateway' : 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${DENY_HEADER}: ${denial.code}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
}

/** 502 on a raw socket when the upstream could not be reached (not a denial). */
export function writeUpstreamFailure(socket: Duplex): void {
  socket.end('HTTP/1.1 502 Bad Gateway\r\nX-Airlock-Error: UPSTREAM_FAILED\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
}
