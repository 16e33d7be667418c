import { charClasses } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholder.js';
import type { Detector, RawMatch } from '../types.js';
import { execAt, startsToken } from './shared.js';

/**
 * Database and broker URLs with a password in the userinfo (RFC 3986 section 3.2.1):
 * postgres(ql)://, mysql://, mariadb://, mongodb(+srv)://, redis(s)://, amqp(s)://.
 * The match is the password.
 */
const DATABASE_URL = /(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?):\/\/([^\s:@/?#'"`]{0,64}):([^\s@/?#'"`]{1,128})@([A-Za-z0-9._%[\]-]{1,255})/;

/** Passwords of documentation, images' defaults and templates. */
const DEFAULT_PASSWORDS = /^(?:pass(?:word)?\d*|passwd|pwd|secret|changeme|postgres|root|admin|test|guest|mysecretpassword|example|user|redis|mongo|mysql|rabbitmq|\$.*|:.*)$/i;

const LOCAL_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0|host\.docker\.internal|[^.]*\.local|db|database|postgres|mysql|redis|mongo)$/i;

/**
 * High for a real-looking password (8+ characters, two character classes, not the user
 * name) to a non-local host; low for a weaker one or a local host; nothing for a placeholder.
 */
export function databaseUrlDetector(): Detector {
  const url = new RegExp(DATABASE_URL.source, 'y');
  return {
    leads: [['p', 'o', 's'], ['m', 'y', 's'], ['m', 'a', 'r'], ['m', 'o', 'n'], ['r', 'e', 'd'], ['a', 'm', 'q']],
    detect(text: string, at: number, out: RawMatch[]): void {
      // Cheaply first: "://" must follow the scheme within 14 characters (mongodb+srv is 11).
      let colon = at + 4;
      while (colon < at + 14 && text.charCodeAt(colon) !== 58) colon++;
      if (text.charCodeAt(colon + 1) !== 47 || text.charCodeAt(colon + 2) !== 47) return;
      const m = execAt(url, text, at);
      if (m === null || !startsToken(text, at, /[A-Za-z0-9]/)) return;
      const [, user = '', password = '', host = ''] = m;
      if (DEFAULT_PASSWORDS.test(password) || isPlaceholder(password) || password === user) return;
      const strong = password.length >= 8 && charClasses(password) >= 2 && !LOCAL_HOST.test(host);
      const start = at + m[0].length - host.length - 1 - password.length;
      out.push({ rule: 'database-url', confidence: strong ? 'high' : 'low', start, end: start + password.length, shown: 0 });
    },
  };
}
