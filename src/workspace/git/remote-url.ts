const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const SSH_SCHEMES = new Set(['ssh', 'git+ssh', 'ssh+git']);
/** A port after the host's colon: digits or nothing. Anything else there is not a port. */
const PORT = /^\d*$/;

/**
 * A remote URL fit for the audit record: no password, token or query string survives.
 *
 * - `scheme://userinfo@host/...`: the whole userinfo goes, since `https://TOKEN@host/` puts a
 *   token where a user name would be and the two cannot be told apart. ssh keeps the user
 *   name (the account, not a secret) and drops only a `:password`.
 * - Query and fragment go too: some hosts take `?private_token=` in the URL.
 * - scp-like `user@host:path` stays as it is (ssh has no password there); the malformed
 *   `user:secret@host:path` loses the user part.
 * - A password with an unescaped `/` (`https://u:pa/ss@host/x`) would end the authority
 *   early (git reads it so too), so the credential is cut up to the last `@` instead.
 */
export function stripUrlCredentials(url: string): string {
  const match = SCHEME_URL.exec(url);
  if (match === null) return stripScpLike(url);
  const scheme = match[1] ?? '';
  let rest = match[2] ?? '';
  let { authority, tail } = splitAuthority(rest);
  if (!authority.includes('@') && hasNonPortColon(authority) && tail.includes('@')) {
    rest = rest.slice(rest.lastIndexOf('@') + 1);
    ({ authority, tail } = splitAuthority(rest));
  }
  const at = authority.lastIndexOf('@');
  const host = authority.slice(at + 1);
  const user = at < 0 ? '' : (authority.slice(0, at).split(':')[0] ?? '');
  const keepUser = SSH_SCHEMES.has(scheme.toLowerCase()) && user !== '';
  const path = tail.replace(/[?#].*$/s, '');
  return `${scheme}://${keepUser ? `${user}@` : ''}${host}${path}`;
}

function splitAuthority(rest: string): { authority: string; tail: string } {
  const end = rest.search(/[/?#]/);
  return end < 0 ? { authority: rest, tail: '' } : { authority: rest.slice(0, end), tail: rest.slice(end) };
}

function hasNonPortColon(authority: string): boolean {
  if (authority.startsWith('[')) return false; // an IPv6 literal: its colons are the address
  const colon = authority.indexOf(':');
  return colon >= 0 && !PORT.test(authority.slice(colon + 1));
}

function stripScpLike(url: string): string {
  const slash = url.indexOf('/');
  const head = slash < 0 ? url : url.slice(0, slash);
  const at = head.lastIndexOf('@');
  if (at < 0) return url;
  return head.slice(0, at).includes(':') ? url.slice(at + 1) : url;
}
