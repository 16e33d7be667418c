import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';
import { createRng, randomBytes, randomChars, sampleTokens } from '../test-tokens.js';

const t = sampleTokens(createRng(11));
const id = t['aws-access-key-id'] ?? '';
const secret = t['aws-secret-access-key'] ?? '';
const gcp = t['gcp-api-key'] ?? '';
const account = t['azure-storage-key'] ?? '';
const sasSig = randomBytes(createRng(12), 32).toString('base64');
const busKey = randomBytes(createRng(13), 32).toString('base64');

type Case = [name: string, text: string, expected: string[]];

describe('AWS', () => {
  const cases: Case[] = [
    ['key id in an env file', `AWS_ACCESS_KEY_ID=${id}\n`, [`aws-access-key-id/high=${id}`]],
    ['near miss: key id one character short', `AWS_ACCESS_KEY_ID=${id.slice(0, 19)}\n`, []],
    ['near miss: key id inside a longer token', `x${id}`, []],
    ['near miss: the documentation example key id', `aws_access_key_id = AKIA${'IOSFODNN7EXAMPLE'}\n`, []],
    ['near miss: lower-case prefix', `akia${id.slice(4)}`, []],
    ['key id and secret in a credentials file', `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, [`aws-access-key-id/high=${id}`, `aws-secret-access-key/high=${secret}`]],
    ['secret after its key id in CLI JSON', `{"AccessKeyId": "${id}", "Status": "Active", "SecretAccessKey": "${secret}"}`, [`aws-access-key-id/high=${id}`, `aws-secret-access-key/high=${secret}`]],
    ['secret named as such, with no key id', `AWS_SECRET_ACCESS_KEY="${secret}"`, [`aws-secret-access-key/high=${secret}`]],
    ['near miss: secret of 39 characters beside its name', `AWS_SECRET_ACCESS_KEY="${secret.slice(1)}"`, [`generic-secret/low=${secret.slice(1)}`]],
    ['near miss: a 40-character path after a key id', `${id} /usr/local/lib/node_modules/aws-sdk/dist`, [`aws-access-key-id/high=${id}`]],
    ['near miss: a git SHA after a key id', `${id} commit 3f786850e387550fdab836ed7e6dc881de23001b`, [`aws-access-key-id/high=${id}`]],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});

describe('Google', () => {
  const cases: Case[] = [
    ['API key in a URL', `https://maps.googleapis.com/maps/api/js?key=${gcp}&callback=x`, [`gcp-api-key/high=${gcp}`]],
    ['near miss: API key one character short (only random beside a name)', `key: ${gcp.slice(0, 38)}.`, [`generic-secret/low=${gcp.slice(0, 38)}`]],
    ['near miss: API key one character short, no name', `see ${gcp.slice(0, 38)}.`, []],
    ['near miss: API key placeholder', `AIza${'X'.repeat(35)}`, []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});

describe('Azure', () => {
  const sas = `https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&spr=https&sig=${encodeURIComponent(sasSig)}`;
  const cases: Case[] = [
    ['storage connection string', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${account};EndpointSuffix=core.windows.net`, [`azure-storage-key/high=${account}`]],
    ['near miss: storage key without its padding (only random beside a name)', `AccountKey=${account.slice(0, 86)};`, [`generic-secret/low=${account.slice(0, 86)}`]],
    ['near miss: storage key placeholder', `AccountKey=${'A'.repeat(86)}==;`, []],
    ['Service Bus connection string', `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${busKey}`, [`azure-shared-access-key/high=${busKey}`]],
    ['SAS URL', sas, [`azure-sas-token/high=${encodeURIComponent(sasSig)}`]],
    ['near miss: sig= without a signed version', `https://example.com/?a=1&sig=${encodeURIComponent(sasSig)}`, []],
    ['near miss: SAS signature of the wrong length', sas.replace(encodeURIComponent(sasSig), randomChars(createRng(3), 'abcdefgh', 30)), []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});
