import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';
import { createRng, pemBlock } from '../test-tokens.js';

const rng = createRng(51);
const pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
const rsa = pemBlock(rng, 'RSA PRIVATE KEY');
const openssh = pemBlock(rng, 'OPENSSH PRIVATE KEY', 400, '\n');
const encrypted = pemBlock(rng, 'RSA PRIVATE KEY').replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B2C3D4E5F60718293A4B5C6D7E8F9\n\n');
const pgp = pemBlock(rng, 'PGP PRIVATE KEY BLOCK').replace('-----\n', '-----\nVersion: GnuPG v2\n\n');
const escaped = pemBlock(rng, 'PRIVATE KEY', 1190, '\\n');
const crlf = pemBlock(rng, 'EC PRIVATE KEY', 121, '\r\n');

type Case = [name: string, text: string, expected: string[]];

describe('private key blocks', () => {
  const cases: Case[] = [
    ['a real PKCS #8 Ed25519 key', `${pkcs8}\n`, [`private-key/high=${pkcs8}`]],
    ['an RSA key file', `${rsa}\n`, [`private-key/high=${rsa}`]],
    ['an OpenSSH key', openssh, [`private-key/high=${openssh}`]],
    ['an encrypted legacy key with RFC 1421 headers', encrypted, [`private-key/high=${encrypted}`]],
    ['a PGP private key block', pgp, [`private-key/high=${pgp}`]],
    ['a key with CRLF line ends', crlf, [`private-key/high=${crlf}`]],
    ['a key in a code string with \\n escapes', `const key = "${escaped}";`, [`private-key/high=${escaped}`]],
    ['a Google service-account key file', `{"type": "service_account", "private_key_id": "abc", "private_key": "${escaped}", "client_email": "x@p.iam.gserviceaccount.com"}`, [`gcp-service-account-key/high=${escaped}`]],
    ['a service-account key file pasted into a chat message (escaped twice)', JSON.stringify({ content: `{"type": "service_account", "private_key": "${escaped}"}` }), [`gcp-service-account-key/high=${JSON.stringify(escaped).slice(1, -1)}`]],
    ['near miss: header and footer only', '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----', []],
    ['near miss: an elided body', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----', []],
    ['near miss: a body too short', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----', []],
    ['near miss: a placeholder body', `-----BEGIN PRIVATE KEY-----\n${'x'.repeat(64)}\n${'x'.repeat(64)}\n-----END PRIVATE KEY-----`, []],
    ['near miss: a public key', pemBlock(rng, 'PUBLIC KEY', 294), []],
    ['near miss: a certificate', pemBlock(rng, 'CERTIFICATE', 900), []],
    ['near miss: no END line', rsa.replace(/-----END[^]*$/, ''), []],
    ['near miss: END of another type', rsa.replace('END RSA', 'END EC'), []],
    ['near miss: prose about key blocks', 'Paste the -----BEGIN PRIVATE KEY----- block here.', []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});
