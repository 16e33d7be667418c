// Raw client connections for the proxy benchmark: TCP or Unix socket, CONNECT, TLS.
// Hand-written rather than node:http so that the client costs little and the same
// code drives every path (direct, proxy, bridge + proxy, squid).
import net from 'node:net';
import tls from 'node:tls';

/** `address` is { path } (Unix socket) or { port } (127.0.0.1, never another address). */
export function connectSocket(address) {
  return new Promise((resolve, reject) => {
    const s = address.path !== undefined ? net.connect(address.path) : net.connect(address.port, '127.0.0.1');
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      if (address.path === undefined) s.setNoDelay(true);
      resolve(s);
    });
  });
}

/** Reads a response head; bytes after it are unshifted back into the socket. */
export function readHead(socket) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      done();
      const rest = buf.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(buf.subarray(0, end).toString('latin1'));
    };
    const onEnd = () => {
      done();
      reject(new Error(`connection closed before a response head (${buf.length} bytes)`));
    };
    const done = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', reject);
      socket.pause();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', reject);
  });
}

/** Opens a CONNECT tunnel to `authority` through the proxy at `address`. */
export async function connectThrough(address, authority) {
  const s = await connectSocket(address);
  s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  const head = await readHead(s);
  if (!/^HTTP\/1\.[01] 200/.test(head)) {
    s.destroy();
    throw new Error(`CONNECT ${authority} was refused: ${head.split('\r\n').join(' | ')}`);
  }
  return s;
}

/** TLS over `socket` (or a new TCP connection to 127.0.0.1:port), verified against `ca`. */
export function startTls({ socket, port, servername, ca }) {
  return new Promise((resolve, reject) => {
    const t = tls.connect({ ...(socket ? { socket } : { host: '127.0.0.1', port }), servername, ca, ALPNProtocols: ['http/1.1'] });
    t.once('error', reject);
    t.once('secureConnect', () => {
      t.off('error', reject);
      resolve(t);
    });
  });
}

/** The content-length of a response head, or a clear error. */
export function contentLength(head) {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  if (status !== '200') throw new Error(`expected 200, got: ${head.split('\r\n').slice(0, 3).join(' | ')}`);
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!m) throw new Error(`no content-length in: ${head.split('\r\n').join(' | ')}`);
  return Number(m[1]);
}

/**
 * An endpoint: how a client reaches the upstream on one path. `open()` gives a
 * connected Duplex ready for HTTP/1.1; `target(path)` is the request-target to send
 * (absolute-form for the forward proxy); `host` the Host header.
 */
export function endpoint({ name, open, host, absolute = false }) {
  return { name, open, host, target: (path) => (absolute ? `http://${host}${path}` : path) };
}
