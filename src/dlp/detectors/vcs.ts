import { hasValidCrc32Suffix } from '../text/checksum.js';
import { isPlaceholder } from '../text/placeholder.js';
import type { Confidence, Detector } from '../types.js';
import { highUnlessPlaceholder, tokenDetector } from './shared.js';

/** High with a valid CRC32 checksum; low (older or hand-made) without; nothing for a placeholder. */
function checksummed(prefix: number): (token: string) => Confidence | undefined {
  return (token) => {
    const body = token.slice(prefix);
    if (hasValidCrc32Suffix(body)) return 'high';
    return isPlaceholder(body) ? undefined : 'low';
  };
}

/** Version control and package registry tokens. */
export function vcsDetectors(): Detector[] {
  return [
    // GitHub (docs.github.com "About authentication to GitHub", github.blog 2021-04-05):
    // ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server, ghr_ refresh;
    // 36 base62 characters, the last 6 the base62 CRC32 of the first 30.
    tokenDetector({ rule: 'github-token', lead: ['g', 'h', 'pousr'], pattern: /gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/, shown: 4, classify: checksummed(4) }),
    // GitHub fine-grained personal access token: github_pat_ + 22 base62 + "_" + 59 base62.
    tokenDetector({ rule: 'github-token', lead: ['g', 'i', 't'], pattern: /github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])/, shown: 11 }),
    // GitLab (docs.gitlab.com "Token overview", prefixes): glpat- personal, gldt- deploy,
    // glrt- runner, glptt- pipeline trigger; 20 characters in the classic form, longer and
    // with a ".<version>.<crc>" suffix in the routable form.
    tokenDetector({
      rule: 'gitlab-token',
      lead: ['g', 'l', 'pdr'],
      pattern: /gl(?:pat|dt|rt|ptt)-[0-9A-Za-z_-]{20,300}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,12})?(?![0-9A-Za-z_.-])/,
      shown: 4,
      classify: (t) => (isPlaceholder(t.slice(t.indexOf('-') + 1)) ? undefined : 'high'),
    }),
    // npm (github.blog 2021-09-23): npm_ + 36 base62, CRC32 checksum as GitHub's.
    tokenDetector({ rule: 'npm-token', lead: ['n', 'p', 'm'], pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/, shown: 4, classify: checksummed(4) }),
    // PyPI API token (pypi.org/help/#apitoken): "pypi-" + a base64url macaroon whose first
    // bytes encode the location "pypi.org" (AgEIcHlwaS5vcmc) or "test.pypi.org".
    tokenDetector({
      rule: 'pypi-token',
      lead: ['p', 'y', 'p'],
      pattern: /pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}(?![A-Za-z0-9_-])/,
      shown: 5,
      classify: highUnlessPlaceholder(20),
    }),
  ];
}
