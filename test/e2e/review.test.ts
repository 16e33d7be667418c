import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DRIVERS, airlock, hostWriterUid, makeGitRepo, sessionEvents, tempDir } from '../helpers.js';
import { sessionIdFrom } from '../leftovers.js';

const EDIT = "const fs = require('fs'); fs.writeFileSync('/workspace/NEW.md', 'new file\\n'); fs.appendFileSync('/workspace/README.md', 'added line\\n');";

describe.each(DRIVERS)('review mode on %s: the agent works on a copy, the person applies or discards', (driver) => {
  const home = tempDir(`review-${driver}`);
  const repo = makeGitRepo({ 'README.md': '# app\n' }, hostWriterUid(driver));
  const cli = (args: string[]) => airlock(args, { home: home.path, cwd: repo.path });
  afterAll(() => {
    home.remove();
    repo.remove();
  });

  async function reviewRun(script = EDIT): Promise<string> {
    const r = await cli(['run', '--review', '--driver', driver, 'node', '--', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    const id = sessionIdFrom(r.stderr);
    expect(r.stderr).toContain(`airlock apply ${id}`);
    return id;
  }

  it('leaves the repository untouched until applied, shows the diff, applies it, and records both', async () => {
    const id = await reviewRun();
    expect(existsSync(join(repo.path, 'NEW.md'))).toBe(false);
    expect(readFileSync(join(repo.path, 'README.md'), 'utf8')).toBe('# app\n');
    const diff = (await cli(['sessions', 'diff', id])).stdout.toString();
    expect(diff).toContain('+++ b/NEW.md');
    expect(diff).toContain('+added line');
    const applied = await cli(['apply', id]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(readFileSync(join(repo.path, 'NEW.md'), 'utf8')).toBe('new file\n');
    expect(readFileSync(join(repo.path, 'README.md'), 'utf8')).toBe('# app\nadded line\n');
    expect(existsSync(join(home.path, 'reviews', id))).toBe(false);
    const events = await sessionEvents(home.path, id);
    expect(events.find((e) => e.type === 'session.started')).toMatchObject({ repo: repo.path, review: { of: repo.path } });
    expect(events.find((e) => e.type === 'session.ended')).toMatchObject({ review: 'suggested' });
    expect(events.filter((e) => e.type === 'review.applied')).toHaveLength(1);
    const again = await cli(['apply', id]);
    expect(again.code).toBe(64);
    expect(again.stderr).toContain('already applied');
  });

  it('discards: the repository stays as it was, the copy goes, the decision is recorded', async () => {
    const before = readFileSync(join(repo.path, 'README.md'), 'utf8');
    const id = await reviewRun("require('fs').writeFileSync('/workspace/DROPPED.md', 'x')");
    const r = await cli(['discard', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(repo.path, 'DROPPED.md'))).toBe(false);
    expect(readFileSync(join(repo.path, 'README.md'), 'utf8')).toBe(before);
    expect(existsSync(join(home.path, 'reviews', id))).toBe(false);
    expect((await sessionEvents(home.path, id)).filter((e) => e.type === 'review.discarded')).toHaveLength(1);
  });

  it('refuses to apply over a repository that changed where the patch goes, changing nothing', async () => {
    const id = await reviewRun("require('fs').writeFileSync('/workspace/README.md', 'rewritten by the agent\\n')");
    writeFileSync(join(repo.path, 'README.md'), 'rewritten by the person\n');
    const r = await cli(['apply', id]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('do not apply');
    expect(readFileSync(join(repo.path, 'README.md'), 'utf8')).toBe('rewritten by the person\n');
  });
});
