// Bulk download: GET /bytes?n=N over an endpoint, timed from the request to the last byte.
import { performance } from 'node:perf_hooks';
import { contentLength, readHead } from './wire.mjs';

/** One download on a fresh connection; connection set-up is not in the time. */
export async function download(ep, bytes) {
  const socket = await ep.open();
  try {
    const started = performance.now();
    socket.write(`GET ${ep.target(`/bytes?n=${bytes}`)} HTTP/1.1\r\nHost: ${ep.host}\r\nConnection: close\r\n\r\n`);
    const length = contentLength(await readHead(socket));
    if (length !== bytes) throw new Error(`${ep.name}: asked for ${bytes} bytes, told ${length}`);
    await new Promise((resolve, reject) => {
      let got = 0;
      socket.on('data', (chunk) => {
        got += chunk.length;
        if (got >= bytes) resolve();
      });
      socket.once('error', reject);
      socket.once('close', () => reject(new Error(`${ep.name}: closed after ${got} of ${bytes} bytes`)));
      socket.resume();
    });
    const ms = performance.now() - started;
    return { ms, mbPerS: bytes / 1e6 / (ms / 1000) };
  } finally {
    socket.destroy();
  }
}
