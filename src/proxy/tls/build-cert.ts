import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { NormalisedHost } from './host-name.js';

/** The validity window shared by a session's CA and all its leaf certificates. */
export interface CertWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** What a leaf needs from its issuer. The private key is passed, never stored here. */
export interface Issuer {
  readonly cert: forge.pki.Certificate;
  readonly privateKey: forge.pki.rsa.PrivateKey;
  /** The CA's subjectKeyIdentifier as a binary string, for the leaf's authorityKeyIdentifier. */
  readonly keyId: string;
}

export interface CaCertOptions {
  readonly subject: forge.pki.CertificateField[];
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly window: CertWindow;
}

export interface LeafCertOptions {
  readonly host: NormalisedHost;
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly issuer: Issuer;
  readonly window: CertWindow;
}

const SERIAL_BYTES = 16;
/** GeneralName tags of subjectAltName (RFC 5280 §4.2.1.6). */
const SAN_DNS = 2;
const SAN_IP = 7;

/**
 * A random positive serial number of 16 bytes as hex (RFC 5280 §4.1.2.2: positive, at
 * most 20 octets). The top bit is cleared so the DER INTEGER is positive, and the next
 * bit set so the encoding is minimal (no leading zero octet), leaving 126 random bits.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(SERIAL_BYTES);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Builds and signs (SHA-256) a self-signed CA certificate that may issue leaves only. */
export function buildCaCert(options: CaCertOptions): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = options.window.notBefore;
  cert.validity.notAfter = options.window.notAfter;
  cert.setSubject(options.subject);
  cert.setIssuer(options.subject);
  cert.setExtensions([
    // pathLenConstraint 0: this CA signs leaves, never another CA (RFC 5280 §4.2.1.9).
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(options.privateKey, forge.md.sha256.create());
  return cert;
}

/** Builds and signs (SHA-256) a server certificate for one host, issued by `issuer`. */
export function buildLeafCert(options: LeafCertOptions): forge.pki.Certificate {
  const { host, issuer } = options;
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = options.window.notBefore;
  cert.validity.notAfter = options.window.notAfter;
  cert.setSubject([{ name: 'commonName', value: host.name }]);
  cert.setIssuer(issuer.cert.subject.attributes);
  const altName = host.kind === 'ip' ? { type: SAN_IP, ip: host.name } : { type: SAN_DNS, value: host.name };
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [altName] },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuer.keyId },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(issuer.privateKey, forge.md.sha256.create());
  return cert;
}
