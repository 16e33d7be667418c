import { randomUUID } from 'node:crypto';
import { sampleFromSchema } from './json-sample.js';
import type { Scenario, Step } from './scenario.js';
import type { Action } from './tools.js';
import { absolutePath, toolUseFor } from './tools.js';
import type { Reply, TurnRequest } from './turn.js';

/** The answer past the end of a scenario that has no `say` step. */
export const DEFAULT_FINAL_TEXT = 'done';

/**
 * Side requests the CLIs make besides the conversation, recognized by their prompt,
 * with the answer that lets the CLI carry on.
 */
const SIDE_ANSWERS: ReadonlyArray<{ pattern: RegExp; answer: string }> = [
  // OpenCode and Claude Code name the session with a separate request.
  { pattern: /title generator|generate (a|an) [^.]{0,40}title|title for (this|the) conversation/i, answer: 'Scripted session' },
  // Claude Code's bash command-prefix check: "none" means no prefix to remember.
  { pattern: /<policy_spec>|command prefix/i, answer: 'none' },
];

export interface PlanOptions {
  scenario: Scenario;
  /** Absolute directory that relative write paths resolve against. */
  workdir: string;
}

function finalText(scenario: Scenario): string {
  const says = scenario.steps.filter((s) => s.kind === 'say');
  return says.at(-1)?.text ?? DEFAULT_FINAL_TEXT;
}

/** The step answering a conversation with `turns` assistant turns; past the end, the final text. */
export function stepFor(scenario: Scenario, turns: number): Step {
  return scenario.steps[turns] ?? { kind: 'say', text: finalText(scenario) };
}

function structuredAnswer(request: TurnRequest, text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(sampleFromSchema(request.responseSchema));
  }
}

function sideAnswer(request: TurnRequest): string | undefined {
  const prompt = `${request.systemText}\n${request.lastUserText}`;
  return SIDE_ANSWERS.find((s) => s.pattern.test(prompt))?.answer;
}

function toAction(step: Exclude<Step, { kind: 'say' }>, workdir: string): Action {
  if (step.kind === 'write') return { kind: 'write', path: absolutePath(workdir, step.path), content: step.content };
  return { kind: 'shell', command: step.command, description: step.description ?? `Run ${step.command.slice(0, 60)}` };
}

function actionReply(step: Exclude<Step, { kind: 'say' }>, request: TurnRequest, workdir: string): Reply {
  const use = toolUseFor(toAction(step, workdir), request.tools);
  if (use) return { kind: 'tool', call: { id: randomUUID().replaceAll('-', '').slice(0, 24), ...use } };
  const names = request.tools.map((t) => t.name).join(', ') || 'none';
  return { kind: 'text', text: `[scripted model] cannot ${step.kind === 'write' ? `write ${step.path}` : 'run a shell command'}: no suitable tool among the declared tools (${names})` };
}

/**
 * Chooses the reply to one request, statelessly: the scenario step is the number of
 * assistant turns already in the conversation, so retries and parallel sessions agree.
 * Requests without tools (titles, checks) get text; structured-output requests get JSON.
 */
export function planReply(request: TurnRequest, options: PlanOptions): Reply {
  const step = request.tools.length === 0 ? undefined : stepFor(options.scenario, request.assistantTurns);
  if (step && step.kind !== 'say') return actionReply(step, request, options.workdir);
  const text = step?.kind === 'say' ? step.text : (sideAnswer(request) ?? finalText(options.scenario));
  if (request.responseSchema !== undefined) return { kind: 'text', text: structuredAnswer(request, text) };
  return { kind: 'text', text };
}
