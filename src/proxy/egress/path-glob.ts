/**
 * Bytes whose percent-encoded form the proxy refuses rather than guesses how the origin
 * decodes: `.` (hidden dot segments), `/` and `\` (hidden separators), NUL (truncation).
 */
const REFUSED_ENCODED = new Set([0x2e, 0x2f, 0x5c, 0x00]);
/** RFC 3986 §2.3 unreserved characters (less `.`, refused above). */
const UNRESERVED = /^[A-Za-z0-9\-_~]$/;

/**
 * Normalises the path of an origin-form request target (RFC 9112 §3.2.1) for matching:
 * drops the query (`?…`), applies RFC 3986 §6.2.2 normalisation to percent-encodings
 * (`%7e` becomes `~`, other hex digits upper case) and removes `.` and `..` segments
 * (RFC 3986 §5.2.4; `..` above the root stays at the root). Idempotent.
 *
 * Returns undefined, so the proxy refuses the request, when the path is ambiguous to
 * origins: not starting with `/`; an encoded `.`, `/`, `\` or NUL (`%2e`, `%2F`, `%5c`,
 * `%00`); a malformed `%`; a backslash; a `#`; whitespace, control or non-ASCII
 * characters; an empty segment (`//`, which servers that merge slashes resolve against
 * `..` differently); a dot segment with parameters (`..;x`, read as `..` by servlet
 * containers).
 */
export function normalizeRequestPath(path: string): string | undefined {
  const queryStart = path.indexOf('?');
  const raw = queryStart === -1 ? path : path.slice(0, queryStart);
  if (!raw.startsWith('/') || /[^!-~]|[\\#]/.test(raw)) return undefined;
  const text = normalizePercent(raw);
  if (text === undefined || text.includes('//')) return undefined;
  const segments = text.slice(1).split('/');
  if (segments.some((s) => /^\.\.?;/.test(s))) return undefined;
  return `/${removeDotSegments(segments).join('/')}`;
}

/**
 * Checks a path glob from a policy. A glob starts with `/`; `*` matches within one
 * segment; a segment that is exactly `**` matches zero or more whole segments; everything
 * else is literal. Returns a message saying what is wrong and how to fix it, or undefined
 * when valid.
 *
 * Refused, because no normalised request path could match them or they are ambiguous:
 * empty; not starting with `/`; whitespace, control or non-ASCII characters; `?` or `#`;
 * a backslash; a malformed or refused percent-encoding (see `normalizeRequestPath`);
 * an empty segment (`//`); a `.` or `..` segment (with or without `;params`); `**` inside a segment (`/a**`, `/***`).
 */
export function validatePathGlob(glob: string): string | undefined {
  const shown = JSON.stringify(glob);
  if (glob === '') return 'path glob is empty: write a path such as /v1/** or /repos/*/issues';
  if (!glob.startsWith('/')) return `path glob ${shown} must start with "/"`;
  if (/[^!-~]/.test(glob)) return `path glob ${shown} contains whitespace, control or non-ASCII characters: percent-encode them`;
  if (/[?#]/.test(glob)) return `path glob ${shown} contains "?" or "#": query strings are not matched, remove that part`;
  if (glob.includes('\\')) return `path glob ${shown} contains a backslash: requests containing one are refused`;
  const text = normalizePercent(glob);
  if (text === undefined) {
    return `path glob ${shown} has a malformed or refused percent-encoding (%2e, %2f, %5c and %00 are refused in requests)`;
  }
  if (text.includes('//')) return `path glob ${shown} has an empty segment ("//"): requests containing one are refused`;
  const segments = text.slice(1).split('/');
  if (segments.some((s) => /^\.\.?(;|$)/.test(s))) return `path glob ${shown} has a "." or ".." segment: write the resolved path`;
  if (segments.some((s) => s.includes('**') && s !== '**')) {
    return `path glob ${shown} has "**" inside a segment: "**" must be a whole segment, as in /v1/**/items`;
  }
  return undefined;
}

/**
 * True when the request path (query ignored) matches the glob. Both are normalised first
 * (see `normalizeRequestPath`); matching is case-sensitive on the raw, still-encoded path.
 * A segment that is exactly `*` needs a non-empty segment (`/repos/*` does not match
 * `/repos/`); `/v1/**` matches `/v1`, `/v1/` and anything below.
 *
 * Fails closed: false when the glob is invalid or the path is refused.
 */
export function matchPathGlob(glob: string, path: string): boolean {
  if (validatePathGlob(glob) !== undefined) return false;
  const normalized = normalizeRequestPath(path);
  const globText = normalizePercent(glob);
  if (normalized === undefined || globText === undefined) return false;
  return matchSegments(globText.slice(1).split('/'), normalized.slice(1).split('/'));
}

/** RFC 3986 §6.2.2.1-2: decode unreserved, upper-case the rest; undefined if malformed/refused. */
function normalizePercent(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    const byte = parseInt(hex, 16);
    if (REFUSED_ENCODED.has(byte)) return undefined;
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/** RFC 3986 §5.2.4 for a path split at `/` that has no empty segment except the last. */
function removeDotSegments(segments: string[]): string[] {
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '..') out.pop();
    if (segment !== '.' && segment !== '..') out.push(segment);
    // A trailing dot segment leaves a trailing slash: /a/b/.. is /a/.
    else if (last) out.push('');
  });
  return out;
}

/** Glob segments against path segments; `**` consumes zero or more path segments. */
function matchSegments(glob: string[], path: string[]): boolean {
  // reachable[j]: the glob prefix seen so far can consume exactly path[0..j).
  let reachable = path.map(() => false).concat(false);
  reachable[0] = true;
  for (const g of glob) {
    const next = reachable.map(() => false);
    if (g === '**') {
      const from = reachable.indexOf(true);
      if (from !== -1) next.fill(true, from);
    } else {
      for (let j = 0; j < path.length; j++) next[j + 1] = reachable[j] === true && matchSegment(g, path[j] ?? '');
    }
    reachable = next;
  }
  return reachable[path.length] === true;
}

/** One segment: `*` matches any run of characters; a lone `*` needs at least one. */
function matchSegment(glob: string, segment: string): boolean {
  if (glob === '*') return segment !== '';
  const parts = glob.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (parts.length === 1) return glob === segment;
  if (segment.length < first.length + last.length) return false;
  if (!segment.startsWith(first) || !segment.endsWith(last)) return false;
  // Leftmost-first placement of the middle parts is optimal for `*`-only globs.
  let at = first.length;
  const end = segment.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = segment.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
