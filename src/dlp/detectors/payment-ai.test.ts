import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';
import { BASE62, createRng, randomChars, sampleTokens } from '../test-tokens.js';

const rng = createRng(41);
const t = sampleTokens(rng);
const stripe = t['stripe-key'] ?? '';
const restricted = `rk_live_${randomChars(rng, BASE62, 40)}`;
const stripeTest = `sk_test_${randomChars(rng, BASE62, 40)}`;
const anthropic = t['anthropic-api-key'] ?? '';
const openai = t['openai-api-key'] ?? '';
const legacy = `sk-${randomChars(rng, BASE62, 20)}T3BlbkFJ${randomChars(rng, BASE62, 20)}`;
const bare = `sk-${randomChars(rng, BASE62, 48)}`;

type Case = [name: string, text: string, expected: string[]];

describe('payment and AI providers', () => {
  const cases: Case[] = [
    ['Stripe live secret key', `Stripe.api_key = '${stripe}'`, [`stripe-key/high=${stripe}`]],
    ['Stripe restricted key', `${restricted}\n`, [`stripe-key/high=${restricted}`]],
    ['Stripe test key is low', `${stripeTest}\n`, [`stripe-key/low=${stripeTest}`]],
    ['near miss: Stripe key too short', 'sk_live_abc123', []],
    ['near miss: Stripe publishable key', `pk_live_${randomChars(rng, BASE62, 40)}`, []],
    ['Anthropic API key', `ANTHROPIC_API_KEY=${anthropic}`, [`anthropic-api-key/high=${anthropic}`]],
    ['near miss: Anthropic key too short', 'sk-ant-api03-abcdefghijklmnop', []],
    ['near miss: Anthropic placeholder', `sk-ant-api03-${'x'.repeat(93)}AA`, []],
    ['OpenAI project key', `OPENAI_API_KEY="${openai}"`, [`openai-api-key/high=${openai}`]],
    ['OpenAI legacy key with its mark', `${legacy}\n`, [`openai-api-key/high=${legacy}`]],
    ['bare sk- key is low', `${bare}\n`, [`openai-api-key/low=${bare}`]],
    ['near miss: sk- inside a word', `task-${bare.slice(3)}`, []],
    ['near miss: sk- with a placeholder', `sk-${'x'.repeat(48)}`, []],
    ['near miss: prose mentioning keys', 'Set OPENAI_API_KEY to your sk-... key from the dashboard.', []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});
