import { describe, expect, it } from 'vitest';
import { sampleFromSchema } from './json-sample.js';
import { planReply } from './plan.js';
import { parseScenario } from './scenario.js';
import type { DeclaredTool, Reply, TurnRequest } from './turn.js';
import { countRuns } from './turn.js';

const scenario = parseScenario(`
steps:
  - write: { path: src/a.txt, content: "it's here\\n" }
  - shell: { command: "echo $((1+1)) > b.txt" }
  - say: first answer
  - shell: { command: ls }
  - say: last answer
`);
const tool = (name: string, properties: string[] | null): DeclaredTool => ({ name, properties });
const CLAUDE = [tool('Bash', ['command', 'description', 'timeout']), tool('Write', ['file_path', 'content'])];
const OPENCODE = [tool('bash', ['command', 'timeout', 'workdir']), tool('write', ['content', 'filePath'])];
const GEMINI = [tool('write_file', ['file_path', 'content']), tool('run_shell_command', ['command', 'description', 'dir_path'])];
const CODEX = [tool('exec_command', ['cmd', 'workdir']), tool('write_stdin', ['session_id', 'chars'])];
const OLD_CODEX = [tool('shell', ['command', 'workdir', 'timeout_ms'])];

function turn(tools: DeclaredTool[], assistantTurns: number, extra: Partial<TurnRequest> = {}): TurnRequest {
  return { model: 'm', stream: true, tools, assistantTurns, systemText: '', lastUserText: 'go', responseSchema: undefined, inputTokens: 1, ...extra };
}

function plan(request: TurnRequest): Reply {
  return planReply(request, { scenario, workdir: '/repo' });
}

function toolOf(reply: Reply): { name: string; args: Record<string, unknown> } {
  if (reply.kind !== 'tool') throw new Error(`expected a tool call, got text ${reply.text}`);
  return { name: reply.call.name, args: reply.call.args };
}

describe('step selection', () => {
  it.each([
    [0, 'tool', 'Write'],
    [1, 'tool', 'Bash'],
    [2, 'text', 'first answer'],
    [3, 'tool', 'Bash'],
    [4, 'text', 'last answer'],
    [5, 'text', 'last answer'],
    [40, 'text', 'last answer'],
  ])('after %i assistant turns answers %s %s', (turns, kind, what) => {
    const reply = plan(turn(CLAUDE, turns));
    expect(reply.kind).toBe(kind);
    expect(reply.kind === 'tool' ? reply.call.name : reply.text).toBe(what);
  });

  it('answers "done" past the end of a scenario without a say step', () => {
    const noSay = parseScenario('- shell: { command: ls }\n');
    expect(planReply(turn(CLAUDE, 1), { scenario: noSay, workdir: '/' })).toEqual({ kind: 'text', text: 'done' });
  });

  it('gives each call a fresh id, so retries of the same request agree on everything else', () => {
    const [a, b] = [plan(turn(CLAUDE, 0)), plan(turn(CLAUDE, 0))];
    expect(toolOf(a)).toEqual(toolOf(b));
    expect(a.kind === 'tool' && b.kind === 'tool' && a.call.id !== b.call.id).toBe(true);
  });

  it('counts runs of model items as turns', () => {
    const items = ['user', 'model', 'model', 'tool', 'model', 'tool', 'user'];
    expect(countRuns(items, (i) => i === 'model')).toBe(2);
    expect(countRuns([], () => true)).toBe(0);
  });
});

describe('tool mapping', () => {
  it.each([
    ['Claude Code', CLAUDE, 'Write', { file_path: '/repo/src/a.txt', content: "it's here\n" }],
    ['OpenCode', OPENCODE, 'write', { filePath: '/repo/src/a.txt', content: "it's here\n" }],
    ['Gemini CLI', GEMINI, 'write_file', { file_path: '/repo/src/a.txt', content: "it's here\n" }],
    ['Codex (shell only)', CODEX, 'exec_command', { cmd: `mkdir -p '/repo/src' && printf '%s' 'it'\\''s here\n' > '/repo/src/a.txt'` }],
    ['older Codex (argv shell)', OLD_CODEX, 'shell', { command: ['bash', '-lc', `mkdir -p '/repo/src' && printf '%s' 'it'\\''s here\n' > '/repo/src/a.txt'`] }],
  ])('writes a file with %s', (_cli, tools, name, args) => {
    expect(toolOf(plan(turn(tools, 0)))).toEqual({ name, args });
  });

  it.each([
    ['Claude Code', CLAUDE, 'Bash', { command: 'echo $((1+1)) > b.txt', description: expect.any(String) }],
    ['OpenCode (no description argument)', OPENCODE, 'bash', { command: 'echo $((1+1)) > b.txt' }],
    ['Gemini CLI (substitution goes through eval)', GEMINI, 'run_shell_command', { command: `eval 'echo $((1+1)) > b.txt'`, description: expect.any(String) }],
    ['Codex', CODEX, 'exec_command', { cmd: 'echo $((1+1)) > b.txt' }],
    ['older Codex', OLD_CODEX, 'shell', { command: ['bash', '-lc', 'echo $((1+1)) > b.txt'] }],
  ])('runs a command with %s', (_cli, tools, name, args) => {
    expect(toolOf(plan(turn(tools, 1)))).toEqual({ name, args });
  });

  it('sends plain commands to Gemini CLI as they are', () => {
    expect(toolOf(plan(turn(GEMINI, 3))).args).toMatchObject({ command: 'ls' });
  });

  it('says so in text when no declared tool can do the step', () => {
    expect(plan(turn([tool('read', ['path'])], 0))).toEqual({ kind: 'text', text: expect.stringMatching(/cannot write src\/a\.txt: .*\(read\)/) });
  });
});

describe('side requests', () => {
  it.each([
    ['no tools', turn([], 0), 'last answer'],
    ['a title request', turn([], 0, { systemText: 'You are a title generator. You output ONLY a thread title.' }), 'Scripted session'],
    ['a command-prefix check', turn([], 0, { systemText: 'Your task is to process Bash commands <policy_spec>' }), 'none'],
  ])('answers %s with text', (_name, request, text) => {
    expect(plan(request)).toEqual({ kind: 'text', text });
  });

  it('answers a structured-output request with JSON that fits its schema', () => {
    const responseSchema = { type: 'object', properties: { next_speaker: { type: 'string', enum: ['user', 'model'] }, n: { type: 'array', items: { type: 'number' }, minItems: 2 } } };
    const reply = plan(turn([], 0, { responseSchema }));
    expect(reply.kind === 'text' && JSON.parse(reply.text)).toEqual({ next_speaker: 'user', n: [1, 1] });
  });
});

describe('sampleFromSchema', () => {
  it.each([
    ['const', { const: 7 }, 7],
    ['enum', { enum: ['a', 'b'] }, 'a'],
    ['default', { type: 'string', default: 'd' }, 'd'],
    ['anyOf', { anyOf: [{ type: 'boolean' }, { type: 'string' }] }, false],
    ['nullable type list', { type: ['null', 'integer'], minimum: 4 }, 4],
    ['upper-case types', { type: 'OBJECT', properties: { s: { type: 'STRING' } } }, { s: 'scripted' }],
    ['no type', {}, null],
    ['not a schema', 'x', null],
  ])('%s', (_name, schema, value) => {
    expect(sampleFromSchema(schema)).toEqual(value);
  });
});
