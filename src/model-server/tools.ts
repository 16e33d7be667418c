import { dirname, resolve } from 'node:path';
import type { DeclaredTool } from './turn.js';

/** A file to write or a command to run, with paths already absolute. */
export type Action = { kind: 'write'; path: string; content: string } | { kind: 'shell'; command: string; description: string };

/** A tool name and the arguments to call it with. */
export interface ToolUse {
  name: string;
  args: Record<string, unknown>;
}

/**
 * File-writing tools as the real CLIs declare them (seen in their requests):
 * Claude Code `Write`, OpenCode `write`, Gemini CLI `write_file`.
 */
const WRITE_TOOLS: Record<string, (path: string, content: string) => Record<string, unknown>> = {
  Write: (path, content) => ({ file_path: path, content }),
  write: (path, content) => ({ filePath: path, content }),
  write_file: (path, content) => ({ file_path: path, content }),
};

/**
 * Shell tools: Claude Code `Bash`, OpenCode `bash`, Gemini CLI `run_shell_command`,
 * Codex `exec_command` (unified exec), `shell_command`, and the older Codex `shell` (argv).
 */
const SHELL_TOOLS: Record<string, (command: string, description: string) => Record<string, unknown>> = {
  Bash: (command, description) => ({ command, description }),
  bash: (command, description) => ({ command, description }),
  run_shell_command: (command, description) => ({ command: geminiSafe(command), description }),
  exec_command: (command) => ({ cmd: command }),
  shell_command: (command) => ({ command }),
  shell: (command) => ({ command: ['bash', '-lc', command] }),
};

/** POSIX single-quoting: the text travels through the shell byte for byte. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A shell command that writes `content` to `path`, for clients that only have a shell tool. */
export function writeCommand(path: string, content: string): string {
  return `mkdir -p ${shellQuote(dirname(path))} && printf '%s' ${shellQuote(content)} > ${shellQuote(path)}`;
}

/**
 * Gemini CLI (0.61) refuses, whatever its approval mode, a command with `$(`, a backtick,
 * `<(` or `>(` outside single quotes (its detectBashSubstitution). Such a command goes as
 * `eval '<command>'`, which runs the same text; a real model meets the same refusal.
 */
function geminiSafe(command: string): string {
  return /\$\(|`|[<>]\(/.test(command) ? `eval ${shellQuote(command)}` : command;
}

/** Keeps only the arguments the declared schema knows, so strict tool schemas accept them. */
function fitArgs(tool: DeclaredTool, args: Record<string, unknown>): Record<string, unknown> {
  if (tool.properties === null) return args;
  const known = new Set(tool.properties);
  return Object.fromEntries(Object.entries(args).filter(([key]) => known.has(key)));
}

function findTool(tools: readonly DeclaredTool[], table: Record<string, unknown>): DeclaredTool | undefined {
  for (const name of Object.keys(table)) {
    const tool = tools.find((t) => t.name === name);
    if (tool) return tool;
  }
  return undefined;
}

function shellUse(tools: readonly DeclaredTool[], command: string, description: string): ToolUse | null {
  const tool = findTool(tools, SHELL_TOOLS);
  const shape = tool && SHELL_TOOLS[tool.name];
  return tool && shape ? { name: tool.name, args: fitArgs(tool, shape(command, description)) } : null;
}

/**
 * Maps a scenario action to a call of a tool the client actually declared; a write
 * falls back to the shell tool when there is no file-writing tool (Codex). Null when
 * the client declared nothing that can do it.
 */
export function toolUseFor(action: Action, tools: readonly DeclaredTool[]): ToolUse | null {
  if (action.kind === 'shell') return shellUse(tools, action.command, action.description);
  const tool = findTool(tools, WRITE_TOOLS);
  const shape = tool && WRITE_TOOLS[tool.name];
  if (tool && shape) return { name: tool.name, args: fitArgs(tool, shape(action.path, action.content)) };
  return shellUse(tools, writeCommand(action.path, action.content), `Write ${action.path}`);
}

/** Resolves a scenario path against the workdir. */
export function absolutePath(workdir: string, path: string): string {
  return resolve(workdir, path);
}
