import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AirlockError } from './errors.js';

const KEY_FILE_MODE = 0o600;
const KEY_DIR_MODE = 0o700;
/** Any permission for group or others: the key must be its owner's alone. */
const GROUP_OR_OTHER_BITS = 0o077;

/**
 * Opens an Ed25519 private key file, creating it on first use; `label` names it in
 * errors ("the audit signing key").
 *
 * The file holds a PKCS#8 PEM private key with mode 0600 in a directory created 0700. It
 * is created atomically (written to a temp file, then linked into place without replacing
 * a key another process created meanwhile, which is then used instead). It must live
 * outside every sandbox: pass a path under Airlock's own home, never under a workspace.
 *
 * Throws AirlockError 'CONFIG_INVALID' with the fix when the file is readable or writable
 * by group or others, is not a regular file, or does not hold an Ed25519 private key.
 */
export async function openKeyFile(path: string, label: string): Promise<KeyObject> {
  const existing = await readKeyFile(path, label);
  if (existing !== undefined) return existing;
  try {
    return await createKeyFile(path, label);
  } catch (error) {
    if (error instanceof AirlockError) throw error;
    throw new AirlockError('CONFIG_INVALID', `cannot create ${label} ${path}: ${errorMessage(error)}; choose a key path in a directory you own`, { cause: error });
  }
}

/** Reads an existing Ed25519 private key file (same checks as openKeyFile); never creates one. */
export async function readExistingKeyFile(path: string, label: string): Promise<KeyObject> {
  const key = await readKeyFile(path, label);
  if (key === undefined) throw new AirlockError('CONFIG_INVALID', `${label} ${path} does not exist`);
  return key;
}

/** The key at `path`, or undefined if there is no file there yet. */
async function readKeyFile(path: string, label: string): Promise<KeyObject | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw new AirlockError('CONFIG_INVALID', `cannot read ${label} ${path}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    // fstat the open file, so what is checked is what is read.
    const stat = await file.stat();
    if (!stat.isFile()) {
      throw new AirlockError('CONFIG_INVALID', `${label} ${path} is not a regular file: move it away and Airlock will create a new key`);
    }
    if ((stat.mode & GROUP_OR_OTHER_BITS) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new AirlockError(
        'CONFIG_INVALID',
        `${label} ${path} has mode ${mode}, so other users could read or replace it: run \`chmod 600 ${path}\`, and rotate the key if someone may have copied it`,
      );
    }
    const pem = await file.readFile();
    try {
      return parsePrivateKey(pem, path, label);
    } finally {
      pem.fill(0);
    }
  } finally {
    await file.close();
  }
}

function parsePrivateKey(pem: Buffer, path: string, label: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new AirlockError('CONFIG_INVALID', `${label} ${path} is not a PEM private key: restore it from backup, or move it away and Airlock will create a new one`, {
      cause: error,
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AirlockError(
      'CONFIG_INVALID',
      `${label} ${path} is ${String(key.asymmetricKeyType)}, not Ed25519: move it away and Airlock will create an Ed25519 key`,
    );
  }
  return key;
}

async function createKeyFile(path: string, label: string): Promise<KeyObject> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: KEY_DIR_MODE });
  const { privateKey } = generateKeyPairSync('ed25519');
  const temp = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    await writePrivate(temp, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    if (!(await linkNoReplace(temp, path))) {
      // Another process created the key first: use theirs, so no checkpoint is signed by a
      // key that is then lost.
      const winner = await readKeyFile(path, label);
      if (winner !== undefined) return winner;
      throw new AirlockError('INTERNAL', `${label} ${path} appeared and vanished while being created: try again`);
    }
    await syncDir(dir);
    return privateKey;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function writePrivate(path: string, text: string): Promise<void> {
  // 'wx': never follow or reuse something already at the temp path.
  const file = await open(path, 'wx', KEY_FILE_MODE);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Links temp to path; false if path exists. Where hard links are unsupported, renames. */
async function linkNoReplace(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'ENOTSUP') && !isErrno(error, 'ENOSYS')) throw error;
  }
  await rename(temp, path);
  return true;
}

/** Makes the new directory entry durable, so a crash cannot lose a key already used. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems cannot fsync a directory; the file itself is already synced.
  } finally {
    await handle.close();
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
