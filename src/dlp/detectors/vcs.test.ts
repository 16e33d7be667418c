import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';
import { BASE62, checksummedToken, createRng, randomChars, sampleTokens } from '../test-tokens.js';

const rng = createRng(21);
const t = sampleTokens(rng);
const ghp = t['github-token'] ?? '';
const gho = checksummedToken(rng, 'gho_');
const ghs = checksummedToken(rng, 'ghs_');
const badChecksum = `${ghp.slice(0, -1)}${ghp.endsWith('A') ? 'B' : 'A'}`;
const pat = t['github-fine-grained'] ?? '';
const glpat = t['gitlab-token'] ?? '';
const npm = t['npm-token'] ?? '';
const npmBad = `npm_${randomChars(rng, BASE62, 36)}`;
const pypi = t['pypi-token'] ?? '';

type Case = [name: string, text: string, expected: string[]];

describe('GitHub', () => {
  const cases: Case[] = [
    ['classic token with a valid checksum', `git clone https://x-access-token:${ghp}@github.com/o/r`, [`github-token/high=${ghp}`]],
    ['OAuth token', `Authorization: token ${gho}`, [`github-token/high=${gho}`]],
    ['server-to-server token in JSON', `{"token":"${ghs}"}`, [`github-token/high=${ghs}`]],
    ['near miss: wrong checksum is low', `GH=${badChecksum}`, [`github-token/low=${badChecksum}`]],
    ['near miss: one character short', `${ghp.slice(0, -1)} `, []],
    ['near miss: one character long', `${ghp}x`, []],
    ['near miss: placeholder', `ghp_${'x'.repeat(36)}`, []],
    ['near miss: unknown type letter', `ghx_${ghp.slice(4)}`, []],
    ['fine-grained personal access token', `export GITHUB_TOKEN=${pat}`, [`github-token/high=${pat}`]],
    ['near miss: fine-grained token without its separator', `${pat.replace(/_(?=[^_]*$)/, '')}`, []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});

describe('GitLab, npm, PyPI', () => {
  const cases: Case[] = [
    ['GitLab personal access token', `PRIVATE-TOKEN: ${glpat}`, [`gitlab-token/high=${glpat}`]],
    ['near miss: GitLab token too short', `${glpat.slice(0, 20)} `, []],
    ['near miss: GitLab placeholder', `glpat-${'x'.repeat(20)}`, []],
    ['npm token in .npmrc', `//registry.npmjs.org/:_authToken=${npm}\n`, [`npm-token/high=${npm}`]],
    ['near miss: npm token with a wrong checksum is low', `${npmBad}\n`, [`npm-token/low=${npmBad}`]],
    ['near miss: npm token too short', `${npm.slice(0, 30)}\n`, []],
    ['near miss: an npm_ identifier', 'const npm_config_registry_url_for_tests = 1;', []],
    ['PyPI token in .pypirc', `[pypi]\nusername = __token__\npassword = ${pypi}\n`, [`pypi-token/high=${pypi}`]],
    ['near miss: PyPI token of another location', `${pypi.replace('AgEIcHlwaS5vcmc', 'AgEIcHlwaS5vcmd')}`, []],
    ['near miss: PyPI token too short', `${pypi.slice(0, 60)} `, []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});
