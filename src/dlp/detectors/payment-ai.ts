import { shannonEntropy } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholder.js';
import type { Confidence, Detector } from '../types.js';
import { tokenDetector } from './shared.js';

/** The base64 of "OpenAI", which OpenAI embeds in its secret keys. */
const OPENAI_MARK = 'T3BlbkFJ';

/**
 * OpenAI (platform.openai.com/docs/api-reference/authentication): project keys
 * sk-proj-..., service-account sk-svcacct-..., admin sk-admin-..., legacy user keys
 * sk-<20>T3BlbkFJ<20>: high. A bare sk-<32..64 alphanumerics> without the mark is the
 * shape many providers copied: low.
 */
function classifyOpenAi(token: string): Confidence | undefined {
  const typed = /^sk-(?:proj|svcacct|admin)-/.exec(token);
  const body = token.slice(typed === null ? 3 : typed[0].length);
  if (isPlaceholder(body) || shannonEntropy(body) < 3.5) return undefined;
  if (typed !== null || body.includes(OPENAI_MARK)) return body.length >= 40 ? 'high' : undefined;
  return /^[A-Za-z0-9]{32,64}$/.test(body) ? 'low' : undefined;
}

/** Payment and AI provider keys. */
export function paymentAiDetectors(): Detector[] {
  return [
    // Stripe (docs.stripe.com/keys): secret sk_live_ and restricted rk_live_ keys, high;
    // their test-mode twins sk_test_/rk_test_ reach no money, low.
    tokenDetector({
      rule: 'stripe-key',
      lead: ['sr', 'k', '_'],
      pattern: /[sr]k_(?:live|test)_[0-9A-Za-z]{24,247}(?![0-9A-Za-z])/,
      shown: 8,
      classify: (t) => (isPlaceholder(t.slice(8)) ? undefined : t.startsWith('live', 3) ? 'high' : 'low'),
    }),
    // Anthropic (docs.anthropic.com API keys): sk-ant-api03-<93 base64url>AA, and
    // sk-ant-admin01-... admin keys.
    tokenDetector({
      rule: 'anthropic-api-key',
      lead: ['s', 'k', '-'],
      pattern: /sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,120}(?![A-Za-z0-9_-])/,
      shown: 7,
      classify: (t) => (isPlaceholder(t.slice(t.indexOf('-', 7) + 1)) ? undefined : 'high'),
    }),
    tokenDetector({
      rule: 'openai-api-key',
      lead: ['s', 'k', '-'],
      pattern: /sk-(?!ant-)(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,200}(?![A-Za-z0-9_-])/,
      shown: 3,
      classify: classifyOpenAi,
    }),
  ];
}
