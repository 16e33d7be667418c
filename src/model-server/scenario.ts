import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { AirlockError } from '../core/index.js';

const WriteSchema = z.strictObject({ path: z.string().min(1), content: z.string() });
const ShellSchema = z.strictObject({ command: z.string().min(1), description: z.string().optional() });

/** A step as written: an object with exactly one of the keys write, shell, say. */
const StepInputSchema = z
  .strictObject({ write: WriteSchema.optional(), shell: ShellSchema.optional(), say: z.string().optional() })
  .refine((s) => [s.write, s.shell, s.say].filter((v) => v !== undefined).length === 1, {
    message: 'a step has exactly one of "write: {path, content}", "shell: {command}" or "say: text"',
  });

/** One assistant turn: write a file, run a shell command, or answer with text. */
export type Step =
  | { kind: 'write'; path: string; content: string }
  | { kind: 'shell'; command: string; description?: string }
  | { kind: 'say'; text: string };

function toStep(input: z.infer<typeof StepInputSchema>): Step {
  if (input.write) return { kind: 'write', ...input.write };
  if (input.shell) return { kind: 'shell', ...input.shell };
  return { kind: 'say', text: input.say ?? '' };
}

/** The scenario file: `{ workdir?, steps }`, or a bare list of steps as shorthand. */
export const ScenarioSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { steps: v } : v),
  z.strictObject({
    /** Relative paths in write steps resolve against this directory. */
    workdir: z.string().startsWith('/', 'workdir must be an absolute path').optional(),
    steps: z.array(StepInputSchema.transform(toStep)).min(1, 'a scenario needs at least one step'),
  }),
);
export type Scenario = z.output<typeof ScenarioSchema>;

function dotPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function issueLine(source: string, issue: z.core.$ZodIssue): string {
  const where = issue.path.length === 0 ? source : `${source}:${dotPath(issue.path)}`;
  if (issue.code === 'unrecognized_keys') return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${where}: ${issue.message}`;
}

function invalid(source: string, details: string[]): AirlockError {
  return new AirlockError('CONFIG_INVALID', `the scenario ${source} is not valid: fix the lines below`, { details });
}

/** Scenario text (YAML or JSON, which is YAML) -> checked scenario; `source` names it in errors. */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw invalid(source, doc.errors.map((e) => `${source}: syntax error: ${e.message.split('\n')[0] ?? ''}`));
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw invalid(source, [`${source}: the file is empty; it needs "steps:" with at least one step`]);
  const result = ScenarioSchema.safeParse(data);
  if (!result.success) throw invalid(source, result.error.issues.map((i) => issueLine(source, i)));
  return result.data;
}

/** Reads and checks a scenario file; a missing or bad file is CONFIG_INVALID naming the file. */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new AirlockError('CONFIG_INVALID', `cannot read the scenario ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseScenario(text, file);
}
