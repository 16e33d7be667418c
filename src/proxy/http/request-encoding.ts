import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { InputType, ZlibOptions } from 'node:zlib';

type Decode = (input: InputType, options: ZlibOptions) => Promise<Buffer>;

/** Node 22.15+ has zstd; on Node 20 a zstd body is one Airlock cannot read. */
const zstdDecompress = (zlib as unknown as Record<string, unknown>).zstdDecompress;
const zstd = typeof zstdDecompress === 'function' ? (promisify(zstdDecompress) as Decode) : undefined;

const DECODERS: Record<string, Decode | undefined> = {
  gzip: promisify(gunzip) as Decode,
  'x-gzip': promisify(gunzip) as Decode,
  deflate: promisify(inflate) as Decode,
  br: promisify(brotliDecompress) as Decode,
  zstd,
};

/** A request body as the inspectors read it. */
export type DecodedBody =
  | { kind: 'plain'; body: Buffer }
  /** The decoded body is larger than the inspection cap. */
  | { kind: 'too-large' }
  /** An encoding Airlock cannot decode, or bytes that do not decode. */
  | { kind: 'unreadable'; why: string };

/** The codings a Content-Encoding header names, in the order applied ("identity" left out). */
export function contentCodings(contentEncoding: string | undefined): string[] {
  return (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * Undoes a request's Content-Encoding (gzip, deflate, br; zstd where Node has it), last
 * applied first, so that a compressed body is inspected like any other. The output is
 * bounded by `cap`: a small body that inflates past it (a zip bomb) is never held.
 */
export async function decodeRequestBody(body: Buffer, contentEncoding: string | undefined, cap: number): Promise<DecodedBody> {
  const codings = contentCodings(contentEncoding);
  let out = body;
  for (const coding of codings.reverse()) {
    const decode = DECODERS[coding];
    if (decode === undefined) return { kind: 'unreadable', why: `its Content-Encoding ${coding} is one Airlock cannot decode` };
    try {
      out = await decode(out, { maxOutputLength: cap });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large' };
      return { kind: 'unreadable', why: `it does not decode as ${coding} (${(error as Error).message})` };
    }
  }
  return { kind: 'plain', body: out };
}
