/**
 * Repository path patterns, a subset of .gitignore's (gitignore(5)):
 * - a pattern without "/" (but for a trailing one) matches a name at any depth: `*.pem`;
 * - a pattern with "/" in it (a leading one too) is anchored at the repository root: `.git/hooks`, `/CLAUDE.md`;
 * - a trailing "/" matches directories only: `.ssh/`;
 * - `*` and `?` stay within one path segment, `**` spans any number of segments.
 */
export interface PathPattern {
  readonly source: string;
  readonly dirOnly: boolean;
  matches(path: string, isDir: boolean): boolean;
}

export function compilePathPattern(source: string): PathPattern {
  const dirOnly = source.endsWith('/');
  const trimmed = source.replace(/\/+$/, '');
  const body = trimmed.replace(/^\/+/, '');
  const anchored = trimmed.includes('/');
  const regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${globToRegex(body)}$`);
  return {
    source,
    dirOnly,
    matches: (path, isDir) => (!dirOnly || isDir) && regex.test(path),
  };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** True when one of the patterns matches. */
export function matchesAny(patterns: readonly PathPattern[], path: string, isDir: boolean): PathPattern | undefined {
  return patterns.find((p) => p.matches(path, isDir));
}

/**
 * The pattern that matches a repository file, itself or as inside a matched directory
 * (`.aws/` covers `.aws/credentials`, `payments/**` covers `payments/api/x.ts`).
 */
export function matchFileOrDirectory(patterns: readonly PathPattern[], path: string): PathPattern | undefined {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i += 1) {
    const hit = matchesAny(patterns, parts.slice(0, i).join('/'), true);
    if (hit !== undefined) return hit;
  }
  return matchesAny(patterns, path, false);
}
