import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AirlockError, openKeyFile, readExistingKeyFile } from '../../core/index.js';
import type { ImagesPolicy } from '../../policy/index.js';
import { SignedCatalogSchema } from './catalog-schema.js';
import type { SignedCatalog } from './catalog-schema.js';
import { verifyCatalog } from './catalog-sign.js';
import type { CatalogVerdict } from './catalog-sign.js';

const KEY_LABEL = 'the catalog approval key';

/** Where the catalog and this machine's approval key live. */
export function catalogPaths(home: string, images: ImagesPolicy): { catalog: string; localKey: string } {
  return { catalog: images.catalogFile ?? join(home, 'images', 'catalog.json'), localKey: join(home, 'images', 'approval-key.pem') };
}

/** The catalog file, schema-checked; undefined when there is none yet. */
export async function readCatalog(file: string): Promise<SignedCatalog | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AirlockError('CONFIG_INVALID', `cannot read the image catalog ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AirlockError('CONFIG_INVALID', `the image catalog ${file} is not JSON: restore it, or approve the tools again`, { cause: error });
  }
  const parsed = SignedCatalogSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AirlockError('CONFIG_INVALID', `the image catalog ${file} is malformed at ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Writes the catalog atomically (temp file, fsync, rename). */
export async function writeCatalog(file: string, catalog: SignedCatalog): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(catalog, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

/**
 * The key that must have signed the catalog: the policy's publicKeyFile (the
 * organisation's), else this machine's own approval key; undefined when neither exists.
 */
export async function trustedCatalogKey(home: string, images: ImagesPolicy): Promise<{ key: KeyObject; source: string } | undefined> {
  if (images.publicKeyFile !== undefined) {
    try {
      return { key: createPublicKey(await readFile(images.publicKeyFile)), source: images.publicKeyFile };
    } catch (error) {
      throw new AirlockError('CONFIG_INVALID', `images.publicKeyFile: cannot read a public key from ${images.publicKeyFile}: ${(error as Error).message}`, { cause: error });
    }
  }
  const { localKey } = catalogPaths(home, images);
  if (!existsSync(localKey)) return undefined;
  return { key: createPublicKey(await readExistingKeyFile(localKey, KEY_LABEL)), source: localKey };
}

/**
 * The private key `approve` signs with: --key FILE (the organisation's, checked against
 * publicKeyFile), else this machine's approval key, made on first use (only when the
 * policy names no organisation key, which this machine's key could not satisfy).
 */
export async function approvalSigningKey(home: string, images: ImagesPolicy, keyFile: string | undefined): Promise<KeyObject> {
  if (keyFile !== undefined) {
    const key = createPrivateKey(await readFile(keyFile).catch((error: unknown) => {
      throw new AirlockError('USAGE', `cannot read the signing key ${keyFile}: ${(error as Error).message}`, { cause: error });
    }));
    if (key.asymmetricKeyType !== 'ed25519') throw new AirlockError('USAGE', `${keyFile} is not an Ed25519 private key`);
    return key;
  }
  if (images.publicKeyFile !== undefined) {
    throw new AirlockError('USAGE', `the policy trusts only the organisation's catalog key (images.publicKeyFile ${images.publicKeyFile}): approve with --key <its private key PEM>`);
  }
  return openKeyFile(catalogPaths(home, images).localKey, KEY_LABEL);
}

export type TrustedCatalog = CatalogVerdict & { file: string; keySource: string | null };

/** Reads and verifies the catalog; every way it cannot be trusted is a value with the reason. */
export async function loadTrustedCatalog(home: string, images: ImagesPolicy): Promise<TrustedCatalog> {
  const { catalog: file } = catalogPaths(home, images);
  const trusted = await trustedCatalogKey(home, images);
  const catalog = await readCatalog(file);
  if (catalog === undefined) return { ok: false, reason: `there is no catalog at ${file} yet`, file, keySource: trusted?.source ?? null };
  if (trusted === undefined) return { ok: false, reason: `no key to verify ${file} with (images.publicKeyFile is unset and this machine has no approval key)`, file, keySource: null };
  return { ...verifyCatalog(catalog, trusted.key), file, keySource: trusted.source };
}
