import type { Readable, Writable } from 'node:stream';

const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;

/**
 * Splits an attached container's output (no TTY) into stdout and stderr. Docker Engine
 * frames it: a header of 8 bytes (the stream: 1 stdout, 2 stderr; three zero bytes; the
 * payload's length, 32-bit big-endian), then the payload. Frames arrive cut anywhere.
 * Frames of other streams are dropped. Does not end the outputs: the caller does, when
 * the source ends.
 */
export function demuxStream(source: Readable, stdout: Writable, stderr: Writable): void {
  let pending: Buffer = Buffer.alloc(0);
  source.on('data', (chunk: Buffer) => {
    let data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (data.length >= HEADER_BYTES) {
      const length = data.readUInt32BE(4);
      if (data.length < HEADER_BYTES + length) break;
      const payload = data.subarray(HEADER_BYTES, HEADER_BYTES + length);
      const kind = data[0];
      if (payload.length > 0) {
        if (kind === STDOUT) stdout.write(payload);
        else if (kind === STDERR) stderr.write(payload);
      }
      data = data.subarray(HEADER_BYTES + length);
    }
    pending = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
  });
}
