import { createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AirlockError, openKeyFile } from '../../core/index.js';
import type { CheckpointSigner } from './checkpoint.js';
import { keyIdOf } from './checkpoint.js';

/**
 * Opens the Ed25519 key that signs audit checkpoints, creating it on first use (mode
 * 0600, atomically; see core's openKeyFile). Throws AirlockError 'CONFIG_INVALID' with
 * the fix for a key others could read or that is not Ed25519.
 * Security invariant: the private key lives only in the signer's closure; the signer's
 * fields, JSON and inspect output hold the key id and public key only.
 */
export async function openSigningKey(path: string): Promise<CheckpointSigner> {
  return createCheckpointSigner(await openKeyFile(path, 'the audit signing key'));
}

/** The public half, to give to whoever verifies the log. */
export function exportPublicKey(signer: CheckpointSigner): string {
  return signer.publicKeyPem;
}

/**
 * A signer over an Ed25519 private key held in memory (for tests and for callers that keep
 * the key elsewhere). Throws AirlockError 'CONFIG_INVALID' for any other kind of key.
 */
export function createCheckpointSigner(privateKey: KeyObject): CheckpointSigner {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new AirlockError('CONFIG_INVALID', 'the audit signing key must be an Ed25519 private key');
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return Object.freeze({
    keyId: keyIdOf(publicKey),
    publicKeyPem,
    // Ed25519 takes no separate digest (RFC 8032 hashes internally): algorithm null.
    sign: (data: Buffer): Buffer => sign(null, data, privateKey),
  });
}
