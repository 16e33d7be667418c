// Many small requests on many keep-alive connections, each connection one HTTP/1.1
// stream with one request in flight at a time. Latency is measured per request.
import { performance } from 'node:perf_hooks';
import { contentLength } from './wire.mjs';

/** One keep-alive connection that sends queued requests one after the other. */
class Connection {
  constructor(socket, request, record) {
    this.socket = socket;
    this.request = request;
    this.record = record;
    this.queue = [];
    this.busy = false;
    this.buf = '';
    this.need = -1;
    socket.setEncoding('latin1');
    socket.on('data', (s) => this.onData(s));
    socket.resume();
  }

  /** Queues a request timed from `startMs`; true when it had to wait for the previous one. */
  add(startMs) {
    this.queue.push(startMs);
    const waited = this.busy;
    if (!this.busy) this.sendNext();
    return waited;
  }

  sendNext() {
    if (this.queue.length === 0) return void (this.busy = false);
    this.busy = true;
    this.started = this.queue.shift() ?? performance.now();
    this.socket.write(this.request);
  }

  onData(s) {
    this.buf += s;
    for (;;) {
      if (this.need < 0) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        this.need = end + 4 + contentLength(this.buf.slice(0, end));
      }
      if (this.buf.length < this.need) return;
      this.buf = this.buf.slice(this.need);
      this.need = -1;
      this.record(performance.now() - this.started);
      this.onAnswer?.();
      this.sendNext();
    }
  }
}

/** Opens `count` connections to the endpoint (set-up is not measured). */
export async function openPool(ep, count, record) {
  const request = `GET ${ep.target('/small')} HTTP/1.1\r\nHost: ${ep.host}\r\n\r\n`;
  const sockets = [];
  for (let i = 0; i < count; i += 25) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(25, count - i) }, () => ep.open()))));
  }
  const errors = [];
  for (const s of sockets) s.on('error', (e) => errors.push(e));
  const pool = sockets.map((s) => new Connection(s, request, record));
  return { pool, errors, close: () => sockets.forEach((s) => s.destroy()) };
}

/** Closed loop: every connection sends `perConnection` requests back to back. */
export function runClosed(pool, perConnection) {
  return new Promise((resolve) => {
    let left = pool.length * perConnection;
    const started = performance.now();
    for (const c of pool) {
      c.onAnswer = () => {
        if (--left === 0) resolve(performance.now() - started);
      };
      for (let i = 0; i < perConnection; i++) c.queue.push(null);
      c.sendNext();
    }
  });
}

/**
 * Open loop: `total` requests at `ratePerS`, round robin over the connections, each
 * timed from the moment it was due to be sent, so time spent waiting behind a slow
 * response on the same connection counts (no coordinated omission).
 */
export function runOpen(pool, total, ratePerS) {
  return new Promise((resolve) => {
    let issued = 0;
    let answered = 0;
    let waited = 0;
    const started = performance.now();
    for (const c of pool) {
      c.onAnswer = () => {
        if (++answered === total) resolve({ ms: performance.now() - started, waited });
      };
    }
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) * ratePerS) / 1000));
      for (; issued < due; issued++) if (pool[issued % pool.length].add(now)) waited++;
      if (issued < total) setTimeout(tick, 1);
    };
    tick();
  });
}
