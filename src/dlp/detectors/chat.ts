import { isPlaceholder } from '../text/placeholder.js';
import type { Detector, RawMatch } from '../types.js';
import { execAt, tokenDetector } from './shared.js';

/**
 * Telegram Bot API token (core.telegram.org/bots/api#authorizing-your-bot):
 * "<bot id>:<35 characters>", e.g. 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11; the secret
 * part of tokens issued today starts with "AA". The anchor is ":AA"; the id is read back.
 */
function telegramDetector(): Detector {
  const after = /:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/y;
  return {
    leads: [[':', 'A', 'A']],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(after, text, at);
      if (m === null) return;
      let start = at;
      while (start > at - 11 && start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
      const digits = at - start;
      if (digits < 8 || digits > 10 || (start > 0 && isDigit(text.charCodeAt(start - 1)))) return;
      if (isPlaceholder(m[0].slice(3))) return;
      out.push({ rule: 'telegram-bot-token', confidence: 'high', start, end: at + m[0].length, shown: 0 });
    },
  };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Chat and webhook tokens. */
export function chatDetectors(): Detector[] {
  return [
    // Slack (api.slack.com/authentication/token-types): xoxb- bot, xoxp- user, xoxa-/xoxr-
    // workspace and refresh, xoxs- session: "<type>-<digits>-<digits>-<secret>", dash-separated.
    tokenDetector({ rule: 'slack-token', lead: ['x', 'o', 'x'], pattern: /xox[abprs]-[0-9]{6,14}-[0-9]{6,14}-[0-9A-Za-z-]{16,200}(?![0-9A-Za-z-])/, shown: 5 }),
    // Slack app-level token: xapp-<version>-<app id>-<digits>-<64 hex>.
    tokenDetector({ rule: 'slack-token', lead: ['x', 'a', 'p'], pattern: /xapp-\d-[A-Z0-9]{9,12}-\d{10,14}-[a-f0-9]{64}(?![A-Za-z0-9])/, shown: 5 }),
    // Slack incoming webhooks (api.slack.com/messaging/webhooks):
    // hooks.slack.com/services/T<team>/B<bot>/<24 base62>; workflow and trigger URLs alike.
    tokenDetector({
      rule: 'slack-webhook',
      lead: ['h', 'o', 'o'],
      pattern: /hooks\.slack\.com\/(?:services\/T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24}|(?:workflows|triggers)\/T[A-Z0-9]{8,12}\/[A-Z0-9]{8,14}\/\d{6,20}\/[A-Za-z0-9]{24,40})(?![A-Za-z0-9])/,
      shown: 16,
      before: /[A-Za-z0-9-]/,
      classify: (t) => (isPlaceholder(t.slice(t.lastIndexOf('/') + 1)) ? undefined : 'high'),
    }),
    // Discord webhooks (discord.com/developers/docs/resources/webhook):
    // discord.com/api/webhooks/<snowflake id>/<token of ~68 base64url characters>.
    tokenDetector({
      rule: 'discord-webhook',
      lead: ['d', 'i', 's'],
      pattern: /discord(?:app)?\.com\/api\/(?:v\d{1,2}\/)?webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}(?![A-Za-z0-9_-])/,
      shown: 7,
      before: /[A-Za-z0-9-]/,
      classify: (t) => (isPlaceholder(t.slice(t.lastIndexOf('/') + 1)) ? undefined : 'high'),
    }),
    telegramDetector(),
  ];
}
