// Server-sent events: how soon the first event reaches the client.
import { performance } from 'node:perf_hooks';

const FIRST_EVENT = 'data: one\n\n';
const CLOSE_WAIT_MS = 5_000;

/**
 * One GET /sse on a new connection. `coldMs`: from opening the connection (CONNECT and
 * TLS included) to the first event; `warmMs`: from writing the request on the open
 * connection to the first event. The stream is read to its end, so the proxy's
 * upstream connection goes back to its pool as it would for a real client.
 */
export async function sseOnce(ep) {
  const opened = performance.now();
  const socket = await ep.open();
  const sent = performance.now();
  let text = '';
  let firstAt = 0;
  const closed = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${ep.name}: the event stream did not end within ${CLOSE_WAIT_MS} ms`)), CLOSE_WAIT_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', reject);
  });
  socket.setEncoding('latin1');
  socket.on('data', (s) => {
    text += s;
    if (firstAt === 0 && text.includes(FIRST_EVENT)) firstAt = performance.now();
  });
  socket.write(`GET ${ep.target('/sse')} HTTP/1.1\r\nHost: ${ep.host}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n`);
  try {
    await closed;
  } finally {
    socket.destroy();
  }
  if (firstAt === 0 || !text.startsWith('HTTP/1.1 200')) throw new Error(`${ep.name}: no event stream: ${text.slice(0, 200)}`);
  return { coldMs: firstAt - opened, warmMs: firstAt - sent };
}
