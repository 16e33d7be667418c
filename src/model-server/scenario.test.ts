import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '../core/index.js';
import { loadScenario, parseScenario } from './scenario.js';

function detailsOf(text: string): readonly string[] {
  try {
    parseScenario(text, 'demo.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('CONFIG_INVALID');
    return (error as AirlockError).details;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario files', () => {
  it('reads the three kinds of step from YAML', () => {
    const scenario = parseScenario('workdir: /w\nsteps:\n  - write: { path: a.txt, content: "x" }\n  - shell: { command: ls, description: List }\n  - say: bye\n');
    expect(scenario).toEqual({
      workdir: '/w',
      steps: [
        { kind: 'write', path: 'a.txt', content: 'x' },
        { kind: 'shell', command: 'ls', description: 'List' },
        { kind: 'say', text: 'bye' },
      ],
    });
  });

  it('reads JSON, and a bare list of steps', () => {
    expect(parseScenario('{"steps":[{"say":"hi"}]}')).toEqual({ steps: [{ kind: 'say', text: 'hi' }] });
    expect(parseScenario('- say: hi\n')).toEqual({ steps: [{ kind: 'say', text: 'hi' }] });
  });

  it.each([
    ['a misspelt step kind', 'steps:\n  - sya: hi\n', /^demo\.yaml:steps\.0: unknown key\(s\) "sya"$/],
    ['a step with two kinds', 'steps:\n  - say: hi\n    shell: { command: ls }\n', /^demo\.yaml:steps\.0: a step has exactly one of/],
    ['a write without content', 'steps:\n  - write: { path: a }\n', /^demo\.yaml:steps\.0\.write\.content: /],
    ['a path that is a number', 'steps:\n  - write: { path: 3, content: x }\n', /^demo\.yaml:steps\.0\.write\.path: .*string/],
    ['an unknown shell option', 'steps:\n  - shell: { command: ls, cwd: /tmp }\n', /^demo\.yaml:steps\.0\.shell: unknown key\(s\) "cwd"$/],
    ['an unknown top-level key', 'steps:\n  - say: hi\nmodel: x\n', /^demo\.yaml: unknown key\(s\) "model"$/],
    ['no steps', 'steps: []\n', /^demo\.yaml:steps: a scenario needs at least one step$/],
    ['a relative workdir', 'workdir: work\nsteps:\n  - say: hi\n', /^demo\.yaml:workdir: workdir must be an absolute path$/],
    ['a YAML syntax error', 'steps:\n  - say: [unclosed\n', /^demo\.yaml: syntax error: /],
    ['an empty file', '', /^demo\.yaml: the file is empty/],
  ])('rejects %s, naming the file and the path', (_name, text, line) => {
    expect(detailsOf(text)).toContainEqual(expect.stringMatching(line));
  });

  it('loads a file, and names a missing one in CONFIG_INVALID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-scenario-'));
    try {
      writeFileSync(join(dir, 's.yaml'), '- say: hi\n');
      expect(await loadScenario(join(dir, 's.yaml'))).toEqual({ steps: [{ kind: 'say', text: 'hi' }] });
      await expect(loadScenario(join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('missing.yaml') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
