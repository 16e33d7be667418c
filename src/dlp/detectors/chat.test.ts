import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';
import { createRng, randomChars, sampleTokens } from '../test-tokens.js';

const rng = createRng(31);
const t = sampleTokens(rng);
const slack = t['slack-token'] ?? '';
const hook = t['slack-webhook'] ?? '';
const hookPath = hook.slice('https://'.length);
const discord = t['discord-webhook'] ?? '';
const discordPath = discord.slice('https://'.length);
const telegram = t['telegram-bot-token'] ?? '';
const xapp = `xapp-1-A${randomChars(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}-${randomChars(rng, '0123456789', 13)}-${randomChars(rng, '0123456789abcdef', 64)}`;

type Case = [name: string, text: string, expected: string[]];

describe('chat and webhooks', () => {
  const cases: Case[] = [
    ['Slack bot token', `SLACK_BOT_TOKEN=${slack}`, [`slack-token/high=${slack}`]],
    ['Slack app-level token', `"${xapp}"`, [`slack-token/high=${xapp}`]],
    ['near miss: Slack token without its team id', `xoxb-${slack.split('-').slice(2).join('-')}`, []],
    ['near miss: Slack placeholder', 'xoxb-000000000000-000000000000-xxxxxxxxxxxxxxxxxxxxxxxx', []],
    ['near miss: unknown Slack token type', slack.replace('xoxb', 'xoxz'), []],
    ['Slack webhook', `curl -X POST ${hook}`, [`slack-webhook/high=${hookPath}`]],
    ['near miss: Slack webhook with a short secret', `${hook.slice(0, -3)} `, []],
    ['near miss: Slack webhook documentation example', 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', []],
    ['Discord webhook', `url: "${discord}"`, [`discord-webhook/high=${discordPath}`]],
    ['near miss: Discord webhook with a short id', discord.replace(/webhooks\/\d{19}/, 'webhooks/1234'), []],
    ['near miss: Discord API path that is not a webhook', 'https://discord.com/api/v10/channels/123456789012345678/messages', []],
    ['Telegram bot token in a Bot API URL', `https://api.telegram.org/bot${telegram}/getMe`, [`telegram-bot-token/high=${telegram}`]],
    ['near miss: Telegram token with a 5-digit bot id', `${telegram.replace(/^\d+/, '12345')} `, []],
    ['near miss: Telegram token one character short', `${telegram.slice(0, -1)} `, []],
    ['near miss: a time and an all-A run', 'at 12345678:AA in the log', []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});
