import type { BodyMap } from '../http/relay-body.js';

const EMPTY = Buffer.alloc(0);

/**
 * Replaces every occurrence of `secret` with `replacement` in a byte stream, across
 * chunk boundaries. It holds back only a tail that could be the start of the secret,
 * so a stream (SSE) whose chunks end elsewhere is passed on at once, unbuffered.
 */
export function createScrubber(secret: string, replacement: string): BodyMap {
  const needle = Buffer.from(secret);
  const swap = Buffer.from(replacement);
  let pending: Buffer = EMPTY;
  return {
    write(chunk) {
      const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const { out, rest } = scrubBuffer(data, needle, swap);
      pending = rest;
      return out.length > 0 ? out : undefined;
    },
    end() {
      const last = pending;
      pending = EMPTY;
      return last.length > 0 ? last : undefined;
    },
  };
}

function scrubBuffer(data: Buffer, needle: Buffer, swap: Buffer): { out: Buffer; rest: Buffer } {
  let at = data.indexOf(needle);
  if (at === -1) {
    // The common case: no copy, just hold back a tail that could start the secret.
    const keep = partialTail(data, 0, needle);
    return { out: keep === 0 ? data : data.subarray(0, data.length - keep), rest: keep === 0 ? EMPTY : Buffer.from(data.subarray(data.length - keep)) };
  }
  const parts: Buffer[] = [];
  let from = 0;
  for (; at !== -1; at = data.indexOf(needle, from)) {
    parts.push(data.subarray(from, at), swap);
    from = at + needle.length;
  }
  const keep = partialTail(data, from, needle);
  parts.push(data.subarray(from, data.length - keep));
  return { out: Buffer.concat(parts), rest: Buffer.from(data.subarray(data.length - keep)) };
}

/** Length of the longest suffix of data[from..] that is a proper prefix of needle. */
function partialTail(data: Buffer, from: number, needle: Buffer): number {
  const start = Math.max(from, data.length - needle.length + 1);
  const first = needle[0];
  // Only a position holding the needle's first byte can start a partial match.
  for (let i = data.indexOf(first ?? 0, start); i !== -1 && i < data.length; i = data.indexOf(first ?? 0, i + 1)) {
    const len = data.length - i;
    if (data.compare(needle, 0, len, i, data.length) === 0) return len;
  }
  return 0;
}

/** The same replacement for a header value. */
export function scrubText(text: string, secret: string, replacement: string): string {
  return text.split(secret).join(replacement);
}
