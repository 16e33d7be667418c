import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { AirlockError, Secret } from '../../core/index.js';
import { CERT_BACKDATE_MS, DEFAULT_CA_VALIDITY_MS, createSessionCa } from './session-ca.js';

const NOW_MS = Date.UTC(2030, 0, 15, 12, 0, 0);
const SESSION_ID = 'sess_0123456789abcdef';
const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';

function extension(pem: string, name: string): Record<string, unknown> {
  const found = forge.pki.certificateFromPem(pem).getExtension(name);
  if (found === undefined) throw new Error(`certificate has no ${name} extension`);
  return found as Record<string, unknown>;
}

/** The keyIdentifier of an authorityKeyIdentifier extension as hex (RFC 5280 §4.2.1.1). */
function authorityKeyIdHex(pem: string): string {
  const der = extension(pem, 'authorityKeyIdentifier').value as string;
  const first = (forge.asn1.fromDer(der).value as forge.asn1.Asn1[])[0];
  return forge.util.bytesToHex(first?.value as string);
}

describe('createSessionCa: the CA certificate', () => {
  const ca = createSessionCa({ nowMs: NOW_MS, sessionId: SESSION_ID });
  const x509 = new X509Certificate(ca.certPem);

  it('names the session, is self-signed and is a CA', () => {
    expect(x509.subject).toBe('CN=Airlock session CA sess_0123456\nO=Airlock');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.ca).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.toLegacyObject().bits).toBe(2048);
  });

  it('has a 16-byte positive serial and a validity from now - 1 h to now + 24 h', () => {
    expect(x509.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(Date.parse(x509.validFrom)).toBe(NOW_MS - CERT_BACKDATE_MS);
    expect(Date.parse(x509.validTo)).toBe(NOW_MS + DEFAULT_CA_VALIDITY_MS);
  });

  it('may sign leaves only (critical basicConstraints pathLen 0, keyUsage keyCertSign + cRLSign)', () => {
    expect(extension(ca.certPem, 'basicConstraints')).toMatchObject({ critical: true, cA: true, pathLenConstraint: 0 });
    const keyUsage = extension(ca.certPem, 'keyUsage');
    expect(keyUsage).toMatchObject({ critical: true, keyCertSign: true, cRLSign: true });
    expect(keyUsage).toMatchObject({ digitalSignature: false, keyEncipherment: false });
    expect(extension(ca.certPem, 'subjectKeyIdentifier').subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
  });

  it('honours validityMs', () => {
    const short = createSessionCa({ nowMs: NOW_MS, sessionId: SESSION_ID, validityMs: 60_000 });
    expect(Date.parse(new X509Certificate(short.certPem).validTo)).toBe(NOW_MS + 60_000);
    const leaf = new X509Certificate(short.leafFor('api.test.invalid').certPem);
    expect(Date.parse(leaf.validTo)).toBe(NOW_MS + 60_000);
  });

  it.each([
    [{ nowMs: Number.NaN, sessionId: SESSION_ID }],
    [{ nowMs: NOW_MS, sessionId: SESSION_ID, validityMs: 0 }],
    [{ nowMs: NOW_MS, sessionId: SESSION_ID, validityMs: -1 }],
    [{ nowMs: NOW_MS, sessionId: '' }],
  ])('rejects invalid options %j with INTERNAL', (options) => {
    expect(() => createSessionCa(options)).toThrow(AirlockError);
    expect(() => createSessionCa(options)).toThrow(/cannot create the session CA/);
  });
});

describe('createSessionCa: leaf certificates', () => {
  const ca = createSessionCa({ nowMs: NOW_MS, sessionId: SESSION_ID });
  const caX509 = new X509Certificate(ca.certPem);

  it('issues a server certificate for a DNS name, signed by the CA', () => {
    const leaf = ca.leafFor('api.test.invalid');
    const x509 = new X509Certificate(leaf.certPem);
    expect(x509.subject).toBe('CN=api.test.invalid');
    expect(x509.issuer).toBe(caX509.subject);
    expect(x509.verify(caX509.publicKey)).toBe(true);
    expect(x509.checkIssued(caX509)).toBe(true);
    expect(x509.ca).toBe(false);
    expect(x509.subjectAltName).toBe('DNS:api.test.invalid');
    expect(x509.checkHost('api.test.invalid')).toBe('api.test.invalid');
    expect(x509.checkHost('other.test.invalid')).toBeUndefined();
    expect(x509.keyUsage).toEqual([SERVER_AUTH_OID]);
    expect(x509.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(x509.serialNumber).not.toBe(caX509.serialNumber);
    expect(x509.validFrom).toBe(caX509.validFrom);
    expect(x509.validTo).toBe(caX509.validTo);
  });

  it('carries the leaf extensions: CA:false, keyUsage, key identifiers', () => {
    const pem = ca.leafFor('api.test.invalid').certPem;
    expect(extension(pem, 'basicConstraints')).toMatchObject({ cA: false });
    expect(extension(pem, 'keyUsage')).toMatchObject({ critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: false });
    const caKeyId = extension(ca.certPem, 'subjectKeyIdentifier').subjectKeyIdentifier;
    expect(authorityKeyIdHex(pem)).toBe(caKeyId);
    expect(extension(pem, 'subjectKeyIdentifier').subjectKeyIdentifier).not.toBe(caKeyId);
  });

  it('puts IP literals in an IP subjectAltName', () => {
    const x509 = new X509Certificate(ca.leafFor('127.0.0.1').certPem);
    expect(x509.subjectAltName).toBe('IP Address:127.0.0.1');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new X509Certificate(ca.leafFor('[::1]').certPem).subjectAltName).toBe('IP Address:0:0:0:0:0:0:0:1');
  });

  it('caches leaves and contexts per normalised host and shares one leaf key', () => {
    const leaf = ca.leafFor('cache.test.invalid');
    expect(ca.leafFor('cache.test.invalid')).toBe(leaf);
    expect(ca.leafFor('CACHE.test.invalid.')).toBe(leaf);
    expect(ca.secureContextFor('cache.test.invalid')).toBe(ca.secureContextFor('Cache.Test.Invalid'));
    const other = ca.leafFor('other.test.invalid');
    expect(other.certPem).not.toBe(leaf.certPem);
    expect(other.keyPem.reveal()).toBe(leaf.keyPem.reveal());
    expect(Object.isFrozen(leaf)).toBe(true);
  });

  it('rejects an invalid host with INTERNAL before issuing anything', () => {
    for (const host of ['', '*.test.invalid', 'a b', 'x\r\ny']) {
      expect(() => ca.leafFor(host)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
      expect(() => ca.secureContextFor(host)).toThrow(AirlockError);
    }
  });

  it('makes distinct CAs for two sessions', () => {
    const second = createSessionCa({ nowMs: NOW_MS, sessionId: SESSION_ID });
    const secondX509 = new X509Certificate(second.certPem);
    expect(second.certPem).not.toBe(ca.certPem);
    expect(secondX509.serialNumber).not.toBe(caX509.serialNumber);
    expect(secondX509.publicKey.equals(caX509.publicKey)).toBe(false);
    const leaf = new X509Certificate(second.leafFor('api.test.invalid').certPem);
    expect(leaf.verify(secondX509.publicKey)).toBe(true);
    expect(leaf.verify(caX509.publicKey)).toBe(false);
    expect(second.leafFor('api.test.invalid').keyPem.reveal()).not.toBe(ca.leafFor('api.test.invalid').keyPem.reveal());
  });
});

describe('createSessionCa: the CA private key is never printed', () => {
  const ca = createSessionCa({ nowMs: NOW_MS, sessionId: SESSION_ID });
  const leaf = ca.leafFor('api.test.invalid');
  ca.secureContextFor('api.test.invalid');
  const leafKeyBody = leaf.keyPem.reveal().split('\n').slice(1, -2).join('');

  const renderings = (value: unknown): string[] => [
    JSON.stringify(value),
    String(value),
    `${String(value)}`,
    inspect(value),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
  ];

  it('exposes only certPem and the two methods', () => {
    expect(Reflect.ownKeys(ca).sort()).toEqual(['certPem', 'leafFor', 'secureContextFor']);
    expect(Object.isFrozen(ca)).toBe(true);
    expect(typeof ca.leafFor).toBe('function');
  });

  it.each(['PRIVATE KEY', 'BigInteger', 'privateKey'])('no rendering of the CA contains %j', (needle) => {
    for (const text of renderings(ca)) expect(text).not.toContain(needle);
  });

  it('no rendering of the CA or a leaf holds key bytes', () => {
    // Remove the certificates (public) from each rendering; no long base64 run may remain.
    const certBody = [ca.certPem, leaf.certPem].flatMap((pem) => pem.split('\n').slice(1, -2));
    for (const text of [...renderings(ca), ...renderings(leaf)]) {
      let rest = text;
      for (const line of certBody) rest = rest.split(line).join('');
      expect(rest).not.toMatch(/[A-Za-z0-9+/]{40,}/);
      expect(rest).not.toContain(leafKeyBody.slice(0, 40));
    }
  });

  it('keeps the leaf key behind Secret', () => {
    expect(leaf.keyPem).toBeInstanceOf(Secret);
    expect(leaf.keyPem.reveal()).toContain('-----BEGIN PRIVATE KEY-----');
    for (const text of renderings(leaf)) expect(text).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(leaf)).toContain('"keyPem":"[redacted]"');
    expect(inspect(leaf)).toMatch(/keyPem: '?\[redacted\]'?/);
    expect(String(leaf.keyPem)).toBe('[redacted]');
  });
});

describe('createSessionCa: timings', () => {
  it('creates a CA and leaves quickly', () => {
    const t0 = performance.now();
    const ca = createSessionCa({ nowMs: Date.now(), sessionId: 'timing-session' });
    const t1 = performance.now();
    ca.leafFor('first.test.invalid');
    const t2 = performance.now();
    ca.leafFor('second.test.invalid');
    const t3 = performance.now();
    ca.leafFor('second.test.invalid');
    const t4 = performance.now();
    ca.secureContextFor('second.test.invalid');
    const t5 = performance.now();
    const ms = (a: number, b: number) => (b - a).toFixed(2);
    console.log(
      `session CA timings: create CA ${ms(t0, t1)} ms; first leaf (incl. leaf key) ${ms(t1, t2)} ms; ` +
        `second leaf ${ms(t2, t3)} ms; cached leaf ${ms(t3, t4)} ms; secure context ${ms(t4, t5)} ms`,
    );
    // Generous bounds: fail only if something is pathologically slow on a shared CI machine.
    expect(t1 - t0).toBeLessThan(10_000);
    expect(t4 - t3).toBeLessThan(5);
  });
});
