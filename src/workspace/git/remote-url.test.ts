import { describe, expect, it } from 'vitest';
import { stripUrlCredentials } from './remote-url.js';

describe('stripUrlCredentials', () => {
  // [url, expected, secret that must not survive (if any)]
  const cases: [string, string, string | undefined][] = [
    ['https://user:ghp_TOKEN123@github.com/org/repo.git', 'https://github.com/org/repo.git', 'ghp_TOKEN123'],
    ['https://ghp_TOKEN123@github.com/org/repo.git', 'https://github.com/org/repo.git', 'ghp_TOKEN123'],
    ['https://x-access-token:ghs_abc@github.com/o/r', 'https://github.com/o/r', 'ghs_abc'],
    ['https://oauth2:glpat-SECRET@gitlab.example.com:8443/g/p.git', 'https://gitlab.example.com:8443/g/p.git', 'glpat-SECRET'],
    ['HTTP://u:p4ss@host/x', 'HTTP://host/x', 'p4ss'],
    ['https://u:p%40ss@host/x.git', 'https://host/x.git', 'p%40ss'],
    ['https://u:p@ss@host/x.git', 'https://host/x.git', 'p@ss'],
    ['https://user:pa/ss@host/x.git', 'https://host/x.git', 'pa/ss'],
    ['https://host/x.git?private_token=SECRET', 'https://host/x.git', 'SECRET'],
    ['https://u:SECRET@host', 'https://host', 'SECRET'],
    ['https://u:SECRET@[::1]:8080/x', 'https://[::1]:8080/x', 'SECRET'],
    ['ssh://git:SECRET@host:2222/org/repo.git', 'ssh://git@host:2222/org/repo.git', 'SECRET'],
    ['git+ssh://me:SECRET@host/repo', 'git+ssh://me@host/repo', 'SECRET'],
    ['user:SECRET@host:org/repo.git', 'host:org/repo.git', 'SECRET'],
    // Near misses: nothing to strip, so nothing changes.
    ['git@github.com:org/repo.git', 'git@github.com:org/repo.git', undefined],
    ['ssh://git@host/org/repo.git', 'ssh://git@host/org/repo.git', undefined],
    ['https://github.com/org/repo.git', 'https://github.com/org/repo.git', undefined],
    ['https://github.com:443/org/repo.git', 'https://github.com:443/org/repo.git', undefined],
    ['https://host/org/repo@v2.git', 'https://host/org/repo@v2.git', undefined],
    ['https://[::1]:8080/x', 'https://[::1]:8080/x', undefined],
    ['git://host/repo.git', 'git://host/repo.git', undefined],
    ['file:///srv/git/repo.git', 'file:///srv/git/repo.git', undefined],
    ['/srv/git/repo.git', '/srv/git/repo.git', undefined],
    ['../sibling/repo', '../sibling/repo', undefined],
    ['/home/me@corp/repo', '/home/me@corp/repo', undefined],
  ];

  it.each(cases)('%s -> %s', (url, expected, secret) => {
    const stripped = stripUrlCredentials(url);
    expect(stripped).toBe(expected);
    if (secret !== undefined) expect(stripped).not.toContain(secret);
  });
});
