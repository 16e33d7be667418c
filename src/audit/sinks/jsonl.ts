import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AirlockError, isAirlockError } from '../../core/index.js';
import type { ChainedRecord } from '../chain/index.js';
import { eventJson } from './record-fields.js';
import type { AuditSinkTarget } from './types.js';

export interface JsonlTargetOptions {
  name: string;
  path: string;
  /** Rotate before a line would make the file larger than this (a longer line gets a file of its own). */
  maxBytes: number;
  /** Rotated files kept, path.1 newest; 0 keeps none. */
  keep: number;
}

/**
 * One line per record: `{"seq":…,"prevHash":"…","hash":"…","event":{…}}`, the chain
 * link as stored, with the event in its RFC 8785 form. We keep the link rather than an
 * event with seq/hash mixed in so that the file verifies on its own: each line's hash is
 * sha256(canonicalize({seq, prevHash, event})) and names the previous line's hash.
 */
export function jsonlLine(record: ChainedRecord): string {
  return `{"seq":${String(record.seq)},"prevHash":${JSON.stringify(record.prevHash)},"hash":${JSON.stringify(record.hash)},"event":${eventJson(record.event)}}\n`;
}

/**
 * Appends records to a file created with mode 0600 (its folder 0700). deliver() resolves
 * once the lines are written and fsynced. When a batch would take the file past maxBytes
 * it is rotated first: path -> path.1 -> … -> path.<keep>, the oldest dropped, and the
 * folder fsynced so the renames survive a crash. A failed batch is written again in full
 * by the next delivery (duplicates, never gaps). The file is opened at the first delivery,
 * so a folder that is not writable yet does not stop a session from starting: deliver()
 * rejects with 'AUDIT_UNAVAILABLE' and the records wait in the store.
 */
export function openJsonlTarget(options: JsonlTargetOptions): AuditSinkTarget {
  const { path } = options;
  let file: FileHandle | undefined;
  let size = 0;
  let closed = false;
  const ensureOpen = async (): Promise<FileHandle> => {
    if (file !== undefined) return file;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(path, 'a', 0o600);
    file = handle;
    // A file left by an older version or another tool may be wider open than 0600.
    await handle.chmod(0o600);
    size = (await handle.stat()).size;
    return handle;
  };
  const append = async (lines: string[]): Promise<void> => {
    if (lines.length === 0) return;
    const bytes = Buffer.from(lines.join(''));
    const handle = await ensureOpen();
    await handle.writeFile(bytes);
    await handle.sync();
    size += bytes.length;
  };
  const rotate = async (): Promise<void> => {
    const handle = file;
    file = undefined;
    await handle?.close();
    await shiftRotated(path, options.keep);
  };
  return {
    name: options.name,
    async deliver(records) {
      if (closed) throw new AirlockError('INTERNAL', `the audit sink ${options.name} is closed`);
      try {
        await ensureOpen();
        let pending: string[] = [];
        let pendingBytes = 0;
        for (const record of records) {
          const line = jsonlLine(record);
          const n = Buffer.byteLength(line);
          if (size + pendingBytes + n > options.maxBytes && size + pendingBytes > 0) {
            await append(pending);
            pending = [];
            pendingBytes = 0;
            await rotate();
            await ensureOpen();
          }
          pending.push(line);
          pendingBytes += n;
        }
        await append(pending);
      } catch (error) {
        throw unavailable(path, error);
      }
    },
    async close() {
      closed = true;
      const handle = file;
      file = undefined;
      await handle?.close();
    },
  };
}

/** path.<keep-1> -> path.<keep> (dropping the oldest), …, path -> path.1; then fsync the folder. */
async function shiftRotated(path: string, keep: number): Promise<void> {
  if (keep === 0) {
    await rm(path, { force: true });
  } else {
    for (let i = keep - 1; i >= 1; i--) {
      await rename(`${path}.${String(i)}`, `${path}.${String(i + 1)}`).catch(ignoreMissing);
    }
    await rename(path, `${path}.1`);
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

function unavailable(path: string, error: unknown): AirlockError {
  if (isAirlockError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AirlockError('AUDIT_UNAVAILABLE', `cannot write the audit sink file ${path}: ${reason}; the records stay in the audit store and are written when the file can be`, { cause: error });
}
