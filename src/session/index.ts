/**
 * session: one orchestration, plan -> sandbox -> stream -> wait -> teardown, and
 * the garbage collector for sessions whose airlock process died.
 * Invariant: every way a session ends leaves no container, process, cgroup or run dir.
 */
export { runSession } from './run-session.js';
export type { RunSessionOptions, SessionIo, SessionResult, SessionTerminal, SignalSource, SessionEnd } from './run-session.js';
export { collectGarbage } from './gc.js';
export type { GcOptions, GcReport } from './gc.js';
export { planSession, WORKDIR, HOME_DIR } from './plan.js';
export { scopePolicyToTool, toolBaseUrlEnv, routeBaseUrl } from './tool-scope.js';
export { PROXY_PORT } from './egress-wiring.js';
export { persistDirOf } from './tool-home.js';
