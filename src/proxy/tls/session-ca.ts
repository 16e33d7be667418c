import { generateKeyPairSync } from 'node:crypto';
import { DEFAULT_CIPHERS, createSecureContext, type SecureContext } from 'node:tls';
import forge from 'node-forge';
import { AirlockError, Secret, isAirlockError } from '../../core/index.js';
import { buildCaCert, buildLeafCert, type CertWindow, type Issuer } from './build-cert.js';
import { normaliseHost } from './host-name.js';

/**
 * The cipher suites the proxy offers the sandbox on an intercepted connection: Node's
 * defaults, with AES-128-GCM first (TLS 1.3, and TLS 1.2 already puts it first). That
 * leg never leaves the machine (the sandbox's bridge reaches the proxy over a Unix
 * socket), and the proxy encrypts every byte of it once more after decrypting the
 * upstream's: AES-128-GCM runs at 1.5x the speed of Node's first choice, AES-256-GCM
 * (`openssl speed -evp`, 16 KiB blocks, on this VM: 4.18 against 2.83 GB/s). A client that
 * does not offer it gets the next suite it does offer.
 */
export const SANDBOX_LEG_CIPHERS = ['TLS_AES_128_GCM_SHA256', ...DEFAULT_CIPHERS.split(':').filter((c) => c !== 'TLS_AES_128_GCM_SHA256')].join(':');

/** A server certificate for one host, signed by the session CA. */
export interface LeafCert {
  /** The leaf certificate alone (PEM); serve it followed by the CA certificate. */
  readonly certPem: string;
  /** PKCS#8 PEM of the session's leaf key, shared by every leaf of this session. */
  readonly keyPem: Secret<string>;
}

/**
 * A per-session certificate authority for TLS interception.
 * Security invariant: the CA private key lives only in a closure of createSessionCa. No
 * property of this object, enumerable or not, holds it, so JSON.stringify, String and
 * util.inspect cannot print it; leaf keys are reachable only through Secret.reveal().
 */
export interface SessionCa {
  /** The CA certificate (PEM) that sandboxed clients are told to trust. */
  readonly certPem: string;
  /** The leaf for `host`, issued on first use and cached per normalised host. */
  leafFor(host: string): LeafCert;
  /** A TLS server context presenting the leaf for `host` plus the CA; cached per host. */
  secureContextFor(host: string): SecureContext;
}

export interface SessionCaOptions {
  /** The current time (ms since the epoch); the validity window is computed from it. */
  readonly nowMs: number;
  /** The session id; its first 12 characters name the CA. */
  readonly sessionId: string;
  /** How long the CA and its leaves stay valid after nowMs. Default 24 h. */
  readonly validityMs?: number;
}

export const DEFAULT_CA_VALIDITY_MS = 24 * 60 * 60 * 1000;
/** Certificates start an hour in the past so a client whose clock lags still accepts them. */
export const CERT_BACKDATE_MS = 60 * 60 * 1000;
const RSA_MODULUS_BITS = 2048;
const CA_NAME_ID_CHARS = 12;

interface LeafEntry {
  readonly leaf: LeafCert;
  context?: SecureContext;
}

interface LeafKey {
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly privatePem: Secret<string>;
}

/**
 * Creates a session CA: a fresh RSA-2048 key and a self-signed certificate
 * `CN=Airlock session CA <sessionId[0..12]>, O=Airlock` with basicConstraints CA:true,
 * pathLen 0 and keyUsage keyCertSign + cRLSign, valid from nowMs - 1 h to nowMs + validity.
 * Synchronous and blocking: one RSA-2048 key generation here (measured 0.1-0.3 s), a
 * second on the first leafFor, then about 30 ms of forge signing per new host.
 *
 * Failures: AirlockError 'INTERNAL' for invalid options, an invalid host passed to
 * leafFor/secureContextFor, or any failure of the crypto libraries.
 * Security invariant: the CA private key never leaves this closure and is never put on
 * the returned object; it is used only to sign leaf certificates.
 */
export function createSessionCa(options: SessionCaOptions): SessionCa {
  const window = validityWindow(options);
  const issuer = guard('create the session certificate authority', () => createIssuer(options.sessionId, window));
  const certPem = toPem(issuer.cert);
  const entries = new Map<string, LeafEntry>();
  let leafKey: LeafKey | undefined;

  const entryFor = (host: string): LeafEntry => {
    const normalised = normaliseHost(host);
    const cached = entries.get(normalised.name);
    if (cached !== undefined) return cached;
    const entry = guard(`issue a TLS certificate for ${normalised.name}`, () => {
      leafKey ??= generateLeafKey();
      const cert = buildLeafCert({ host: normalised, publicKey: leafKey.publicKey, issuer, window });
      return { leaf: Object.freeze({ certPem: toPem(cert), keyPem: leafKey.privatePem }) };
    });
    entries.set(normalised.name, entry);
    return entry;
  };

  const secureContextFor = (host: string): SecureContext => {
    const entry = entryFor(host);
    entry.context ??= guard(`create a TLS context for ${host}`, () =>
      createSecureContext({ key: entry.leaf.keyPem.reveal(), cert: entry.leaf.certPem + certPem, ciphers: SANDBOX_LEG_CIPHERS, honorCipherOrder: true }),
    );
    return entry.context;
  };

  return Object.freeze({ certPem, leafFor: (host: string) => entryFor(host).leaf, secureContextFor });
}

function validityWindow(options: SessionCaOptions): CertWindow {
  const validityMs = options.validityMs ?? DEFAULT_CA_VALIDITY_MS;
  if (!Number.isFinite(options.nowMs) || !Number.isFinite(validityMs) || validityMs <= 0) {
    throw new AirlockError(
      'INTERNAL',
      `cannot create the session CA: nowMs (${options.nowMs}) must be finite and validityMs (${validityMs}) positive`,
    );
  }
  if (options.sessionId.length === 0) {
    throw new AirlockError('INTERNAL', 'cannot create the session CA: the session id is empty');
  }
  return {
    notBefore: new Date(options.nowMs - CERT_BACKDATE_MS),
    notAfter: new Date(options.nowMs + validityMs),
  };
}

/** Generates the CA key and certificate. The private key is returned only inside Issuer. */
function createIssuer(sessionId: string, window: CertWindow): Issuer {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: RSA_MODULUS_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(pair.privateKey);
  const publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  const subject = [
    { name: 'commonName', value: `Airlock session CA ${sessionId.slice(0, CA_NAME_ID_CHARS)}` },
    { name: 'organizationName', value: 'Airlock' },
  ];
  const cert = buildCaCert({ subject, publicKey, privateKey, window });
  return { cert, privateKey, keyId: cert.generateSubjectKeyIdentifier().getBytes() };
}

function generateLeafKey(): LeafKey {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: RSA_MODULUS_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(pair.publicKey), privatePem: new Secret(pair.privateKey) };
}

/** PEM with LF line ends (forge writes CRLF), as files in the sandbox expect. */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/** Runs a crypto step; anything but an AirlockError becomes AirlockError 'INTERNAL'. */
function guard<T>(action: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (isAirlockError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AirlockError('INTERNAL', `could not ${action}: ${reason}`, { cause: error });
  }
}
