/**
 * model-server: a scripted stand-in for an LLM provider, on loopback. It speaks the
 * streaming wire protocols of the Anthropic Messages API, OpenAI Chat Completions, the
 * OpenAI Responses API and the Gemini API closely enough that the real agent CLIs
 * (Claude Code, Codex, OpenCode, Gemini CLI) accept it, and answers each request with
 * a step of a scenario. It records every request, API key headers included: it is a
 * test fixture and must never see real credentials. AGENTS.md beside this file says
 * how each CLI is run against it.
 */

/**
 * Builds the request handler in memory, bound to no socket: `listener` serves it with
 * any node:http(s) server; `requests()` lists what it received. A request never makes
 * it throw: an unknown endpoint is a 404 and an unreadable body a 400, each in the
 * provider's error shape and recorded like any other.
 */
export { createModelServer } from './server.js';

/**
 * Listens on `host:port` (default 127.0.0.1, port 0 = any free port), plain HTTP, or
 * HTTPS when `tls` is given. Rejects when the address cannot be bound (e.g. EADDRINUSE).
 * `close()` ends open connections and resolves once the record file is written.
 */
export { openModelServer } from './server.js';

/** Where relative write paths resolve when neither the options nor the scenario say. */
export { DEFAULT_WORKDIR } from './server.js';
export type { ModelServer, ModelServerHandle, ModelServerOptions } from './server.js';
export type { RecordedRequest } from './record.js';

/**
 * Checks scenario text (YAML, or JSON): `{ workdir?, steps }` or a bare list of steps,
 * each one of `write: {path, content}`, `shell: {command, description?}`, `say: text`.
 * Throws AirlockError CONFIG_INVALID whose details name `source:dot.path` of every
 * problem; unknown keys are errors and nothing falls back to a default.
 */
export { parseScenario } from './scenario.js';

/** Reads and checks a scenario file; CONFIG_INVALID, naming the file, when it is missing or invalid. */
export { loadScenario } from './scenario.js';
export { ScenarioSchema } from './scenario.js';
export type { Scenario, Step } from './scenario.js';

/**
 * The reply to one request, chosen statelessly: the scenario step at the number of
 * assistant turns already in the conversation (past the end, the last `say`), mapped to
 * the write or shell tool the request declares. Requests without tools get text, and
 * structured-output requests JSON that fits their schema.
 */
export { planReply } from './plan.js';

/** The step answering a conversation that already holds `turns` assistant turns. */
export { stepFor } from './plan.js';

/** The final answer of a scenario that has no `say` step. */
export { DEFAULT_FINAL_TEXT } from './plan.js';
export type { PlanOptions } from './plan.js';
export type { DeclaredTool, Reply, ToolCall, TurnRequest } from './turn.js';
