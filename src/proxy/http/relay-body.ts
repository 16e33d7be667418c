import type { Readable, Writable } from 'node:stream';

/** Rewrites a body chunk by chunk (the credential scrubber): what to send, if anything. */
export interface BodyMap {
  write(chunk: Buffer): Buffer | undefined;
  /** What the map still holds once the body has ended. */
  end(): Buffer | undefined;
}

/**
 * How much of a body the proxy lets wait in the receiving side's buffer before it stops
 * reading the sending side: at most this much memory per body in flight.
 */
export const RELAY_BUFFER_BYTES = 1024 * 1024;

/**
 * Copies a body from `source` to `sink` (an upstream response to the client's response,
 * a client's request to the upstream request), through `map` when given, and ends the
 * sink when the source ends. The source is paused only while the sink holds more than
 * `maxBuffered` bytes. pipe() pauses it whenever the sink holds 16 KiB, which over TLS is
 * after every record: a stop and a restart of reading (two epoll_ctl calls) and a write
 * of its own per 16 KiB. Reading on lets one turn of the event loop carry many records,
 * written together.
 *
 * Errors and early closes stay with the caller, as with pipe(): it destroys the other
 * side when one fails.
 */
export function relayBody(source: Readable, sink: Writable, options: { map?: BodyMap; maxBuffered?: number } = {}): void {
  const { map } = options;
  const waitIfFull = createWaitIfFull(source, sink, options.maxBuffered);
  source.on('data', (chunk: Buffer) => {
    const out = map === undefined ? chunk : map.write(chunk);
    if (out !== undefined) sink.write(out);
    waitIfFull();
  });
  source.on('end', () => {
    const last = map?.end();
    if (last === undefined) sink.end();
    else sink.end(last);
  });
  source.resume();
}

/**
 * relayBody's back-pressure, for a relay of its own (the stream inspection's): call the
 * returned function after each write to `sink`. Past `maxBuffered` bytes waiting in the
 * sink, it pauses `source` until the sink drains, then resumes it unless `mayResume()`
 * says no (the body was stopped meanwhile). One wait at a time.
 */
export function createWaitIfFull(source: Readable, sink: Writable, maxBuffered = RELAY_BUFFER_BYTES, mayResume: () => boolean = () => true): () => void {
  let waiting = false;
  return () => {
    // Above maxBuffered (more than the sink's own high-water mark), the write just made
    // returned false, so the sink will emit 'drain'.
    if (waiting || sink.writableLength <= maxBuffered) return;
    waiting = true;
    source.pause();
    sink.once('drain', () => {
      waiting = false;
      if (mayResume()) source.resume();
    });
  };
}
