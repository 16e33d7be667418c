/**
 * model-server: a scripted stand-in for an LLM provider, on loopback. It speaks the
 * streaming wire protocols of the Anthropic Messages API, OpenAI Chat Completions, the
 * OpenAI Responses API and the Gemini API closely enough that the real agent CLIs
 * (Claude Code, Codex, OpenCode, Gemini CLI) accept it, and answers each request with
 * the next step of a scenario. It records every request, API key headers included:
 * it is a test fixture, and never a place for real credentials.
 */
export {
  /**
   * Builds the request handler in memory, bound to no socket: `listener` serves it with
   * any node:http(s) server; `requests()` lists what it received. Never throws for a
   * request: an unknown endpoint is a 404 and an unreadable body a 400, each in the
   * provider's error shape, and both are recorded.
   */
  createModelServer,
  /**
   * Listens on `host:port` (default 127.0.0.1, port 0 = any free port), plain HTTP or
   * HTTPS when `tls` is given. Rejects when the address cannot be bound (EADDRINUSE).
   * `close()` ends open connections and waits until the record file is written.
   */
  openModelServer,
  DEFAULT_WORKDIR,
} from './server.js';
export type { ModelServer, ModelServerHandle, ModelServerOptions } from './server.js';
export type { RecordedRequest } from './record.js';
export {
  /**
   * Checks scenario text (YAML or JSON). Throws AirlockError CONFIG_INVALID whose
   * details name `source:dot.path` of every problem; never falls back to a default.
   */
  parseScenario,
  /** Reads and checks a scenario file; CONFIG_INVALID when it is missing or invalid. */
  loadScenario,
  ScenarioSchema,
} from './scenario.js';
export type { Scenario, Step } from './scenario.js';
export {
  /**
   * Which reply a request gets, statelessly: the step at the number of assistant turns
   * already in the conversation, mapped to a tool the request declares.
   */
  planReply,
  /** The step answering a conversation with `turns` assistant turns. */
  stepFor,
  DEFAULT_FINAL_TEXT,
} from './plan.js';
export type { PlanOptions } from './plan.js';
export type { DeclaredTool, Reply, ToolCall, TurnRequest } from './turn.js';
