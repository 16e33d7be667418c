import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';
import { BASE62, createRng, randomBytes, randomChars } from '../test-tokens.js';

const rng = createRng(71);
const v = randomChars(rng, BASE62, 32);
const pw = 'Tr0ub4dor&3xQ';
const image = randomBytes(rng, 300).toString('base64');

type Case = [name: string, text: string, expected: string[]];

describe('high-entropy values beside key-like names', () => {
  const cases: Case[] = [
    ['env file', `API_KEY=${v}\n`, [`generic-secret/low=${v}`]],
    ['JSON', `{"client_secret": "${v}"}`, [`generic-secret/low=${v}`]],
    ['YAML, unquoted', `  auth_token: ${v}\n`, [`generic-secret/low=${v}`]],
    ['JavaScript object, camelCase', `const cfg = { apiKey: '${v}' };`, [`generic-secret/low=${v}`]],
    ['Go :=', `secretKey := "${v}"`, [`generic-secret/low=${v}`]],
    ['an Authorization header', `Authorization: Bearer ${v}\r\n`, [`generic-secret/low=${v}`]],
    ['a password with symbols', `DB_PASSWORD="${pw}"`, [`generic-secret/low=${pw}`]],
    ['inside a JSON string (quotes escaped)', JSON.stringify({ content: `config:\napi_key = "${v}"\n` }), [`generic-secret/low=${v}`]],
    ['near miss: escaped quotes around a placeholder', JSON.stringify({ content: 'api_key = "<your key>"' }), []],
    ['a query string', `https://api.example.com/v1?api_key=${v}&page=2`, [`generic-secret/low=${v}`]],
    ['near miss: a template variable', 'api_key = "${API_KEY}"', []],
    ['near miss: an angle-bracket placeholder', 'token: "<token>"', []],
    ['near miss: changeme', 'password = "changeme-in-production-123"', []],
    ['near miss: xxxx', `api_key: "${'x'.repeat(32)}"`, []],
    ['near miss: one repeated character', `secret = "${'a'.repeat(24)}"`, []],
    ['near miss: prose mentioning api_key', 'Pass your api_key as a header; the token is valid for 24 hours.', []],
    ['near miss: a UUID', 'token: "550e8400-e29b-41d4-a716-446655440000"', []],
    ['near miss: a git SHA beside commit', 'commit_sha = "3f786850e387550fdab836ed7e6dc881de23001b"', []],
    ['near miss: a SHA-256 digest beside sha256', 'sha256_key: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', []],
    ['near miss: a base64 image', `{"key": "data:image/png;base64,${image}"}`, []],
    ['near miss: minified property access', 'var n={token:e.refreshToken,secret:t.clientSecret};', []],
    ['near miss: an environment lookup', 'secret: process.env.CLIENT_SECRET,', []],
    ['near miss: a keyboard shortcut', 'keyboardShortcut = "Ctrl+Shift+K9x2Lm"', []],
    ['near miss: an identifier', 'token = "refreshAccessTokenNowPlease"', []],
    ['near miss: snake_case words', 'secret_name = "my_application_database_secret"', []],
    ['near miss: a token type', 'tokenType: "Bearer"', []],
    ['near miss: a number', 'max_tokens: 4096000000000000', []],
    ['near miss: a function call', `token = getToken${v.slice(0, 10)}(x)`, []],
    ['near miss: a URL', `auth_url = "https://auth.example.com/${v}"`, []],
    ['near miss: a public key', `public_key: "${v}"`, []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));

  it('looks at a name once though it holds several key-like words', () => {
    expect(found(`secret_api_key_token="${v}"`)).toEqual([`generic-secret/low=${v}`]);
  });
});
