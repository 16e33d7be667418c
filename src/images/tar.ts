import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { AirlockError } from '../core/index.js';

/** One member of a tar archive; owner is always root (0:0), mtime always 0. */
export interface TarMember {
  name: string;
  /** A hardlink's `target` is the name of an earlier member. */
  type: 'dir' | 'file' | 'symlink' | 'hardlink';
  mode: number;
  size: number;
  /** A file's bytes: given, or read from this host path. */
  content?: Buffer;
  source?: string;
  target?: string;
}

const BLOCK = 512;
const TYPE_FLAG = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

/**
 * A deterministic POSIX (pax) tar stream: same members, same bytes. Long names and link
 * targets go into pax `path`/`linkpath` records (POSIX.1-2001 pax interchange format).
 */
export function tarStream(members: readonly TarMember[], onSent?: (bytes: number) => void): Readable {
  return Readable.from(counted(generate(members), onSent), { objectMode: false });
}

async function* counted(chunks: AsyncGenerator<Buffer>, onSent?: (bytes: number) => void): AsyncGenerator<Buffer> {
  let sent = 0;
  for await (const chunk of chunks) {
    yield chunk;
    sent += chunk.length;
    onSent?.(sent);
  }
}

async function* generate(members: readonly TarMember[]): AsyncGenerator<Buffer> {
  for (const m of members) {
    const name = m.type === 'dir' && !m.name.endsWith('/') ? `${m.name}/` : m.name;
    const pax = paxRecords(name, m.target ?? '');
    if (pax.length > 0) {
      yield header({ name: 'PaxHeader', type: 'x', mode: 0o644, size: pax.length, target: '' });
      yield padded(pax);
    }
    const size = m.type === 'file' ? m.size : 0;
    yield header({ name: short(name), type: TYPE_FLAG[m.type], mode: m.mode, size, target: short(m.target ?? '') });
    if (m.type === 'file') yield* body(m);
  }
  yield Buffer.alloc(BLOCK * 2);
}

async function* body(m: TarMember): AsyncGenerator<Buffer> {
  if (m.content !== undefined) {
    yield padded(m.content);
    return;
  }
  let written = 0;
  for await (const chunk of createReadStream(m.source ?? '')) {
    written += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  if (written !== m.size) throw new AirlockError('IMAGE_BUILD_FAILED', `${m.source} changed while the image was being built`);
  const rest = written % BLOCK;
  if (rest !== 0) yield Buffer.alloc(BLOCK - rest);
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

const fitsUstar = (s: string) => Buffer.byteLength(s) <= 100 && /^[\x20-\x7e]*$/.test(s);
const short = (s: string) => (fitsUstar(s) ? s : Buffer.from(s).subarray(0, 100).toString('latin1').replace(/[^\x20-\x7e]/g, '_'));

function paxRecords(name: string, target: string): Buffer {
  const records: string[] = [];
  if (!fitsUstar(name)) records.push(paxRecord('path', name));
  if (!fitsUstar(target)) records.push(paxRecord('linkpath', target));
  return Buffer.from(records.join(''));
}

/** "<length> <key>=<value>\n", where length counts the whole record, itself included. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest) + 1;
  while (String(length).length + Buffer.byteLength(rest) !== length) length += 1;
  return `${length}${rest}`;
}

interface Header { name: string; type: string; mode: number; size: number; target: string }

function header(h: Header): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'latin1');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, 0);
  b.write(h.type, 156, 1, 'latin1');
  b.write(h.target, 157, 100, 'latin1');
  b.write('ustar\x0000', 257, 8, 'latin1');
  b.write('root', 265, 32, 'latin1');
  b.write('root', 297, 32, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\x00 `, 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\x00`, offset, width, 'latin1');
}
