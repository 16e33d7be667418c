import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';
import { createRng, jwt } from '../test-tokens.js';

const rng = createRng(61);
const plain = jwt(rng, { sub: 'u1', iat: 1700000000 });
const actions = jwt(rng, { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:o/r:ref:refs/heads/main' });
const ours = jwt(rng, { iss: 'https://idp.example.com/realms/eng', sub: 'alice' });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const noAlg = `${b64({ typ: 'JWT' })}.${b64({ sub: 'x' })}.${plain.split('.')[2]}`;

type Case = [name: string, text: string, expected: string[], issuers?: string[]];

describe('JWT', () => {
  const cases: Case[] = [
    ['a JWT of an unknown issuer is low', `Authorization: Bearer ${plain}`, [`jwt/low=${plain}`]],
    ['a GitHub Actions OIDC token is high', `ACTIONS_ID_TOKEN=${actions}\n`, [`jwt/high=${actions}`]],
    ['an issuer the caller names is high', `"${ours}"`, [`jwt/high=${ours}`], ['https://idp.example.com/']],
    ['the same token without the caller naming it is low', `"${ours}"`, [`jwt/low=${ours}`]],
    ['near miss: header without alg', `"${noAlg}"`, []],
    ['near miss: two parts', `"${plain.split('.').slice(0, 2).join('.')}"`, []],
    ['near miss: a JWE (five parts)', `"${plain}.${plain.split('.')[2]}.${plain.split('.')[2]}"`, []],
    ['near miss: base64 JSON alone', `"${b64({ alg: 'none' })}"`, []],
    ['near miss: header that is not JSON', `"eyJub3QganNvbg.${plain.split('.').slice(1).join('.')}"`, []],
  ];
  it.each(cases)('%s', (_name, text, expected, issuers) => expect(found(text, { jwtIssuers: issuers ?? [] })).toEqual(expected));
});
