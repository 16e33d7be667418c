import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { openModelServer } from '../src/model-server/index.js';
import type { ModelServerHandle, Scenario } from '../src/model-server/index.js';
import type { SessionCa } from '../src/proxy/tls/session-ca.js';

/** How the e2e tests drive each approved agent headless, and what its provider looks like. */
export interface AgentCase {
  tool: 'claude' | 'opencode' | 'codex' | 'gemini';
  route: 'anthropic' | 'openai' | 'gemini';
  host: string;
  keyEnv: string;
  /** The header the provider reads the key from, and how the key sits in it. */
  keyHeader: string;
  keyPrefix: string;
  args: (prompt: string) => string[];
  /** The update host the agent reaches for on its own (Airlock denies it), or null for none. */
  updateCheck: string | null;
}

export const AGENTS: readonly AgentCase[] = [
  { tool: 'claude', route: 'anthropic', host: 'api.anthropic.com', keyEnv: 'ANTHROPIC_API_KEY', keyHeader: 'x-api-key', keyPrefix: '', args: (p) => ['-p', p, '--allowedTools', 'Bash,Write,Edit,Read'], updateCheck: null },
  { tool: 'opencode', route: 'openai', host: 'api.openai.com', keyEnv: 'OPENAI_API_KEY', keyHeader: 'authorization', keyPrefix: 'Bearer ', args: (p) => ['run', '--pure', p], updateCheck: 'registry.npmjs.org' },
  { tool: 'codex', route: 'openai', host: 'api.openai.com', keyEnv: 'OPENAI_API_KEY', keyHeader: 'authorization', keyPrefix: 'Bearer ', args: (p) => ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', p], updateCheck: null },
  { tool: 'gemini', route: 'gemini', host: 'generativelanguage.googleapis.com', keyEnv: 'GEMINI_API_KEY', keyHeader: 'x-goog-api-key', keyPrefix: '', args: (p) => ['-p', p, '--approval-mode', 'yolo', '--skip-trust'], updateCheck: null },
];

/** The model provider, over TLS on loopback with a certificate for its real host name. */
export function openProvider(ca: SessionCa, host: string, scenario: Scenario): Promise<ModelServerHandle> {
  const leaf = ca.leafFor(host);
  return openModelServer({ scenario, tls: { certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem.reveal() } });
}

/** The org policy of the test: the provider's host resolves to the loopback model server. */
export function agentPolicy(agent: AgentCase, ports: { model: number; denied: number }, caFile: string): string {
  const inject = agent.keyPrefix === '' ? `{ header: ${agent.keyHeader} }` : `{ header: ${agent.keyHeader}, prefix: '${agent.keyPrefix}' }`;
  return `version: 1
egress:
  resolve: { ${agent.host}: 127.0.0.1, denied.example.com: 127.0.0.1 }
credentials:
  - name: ${agent.route}
    hosts: [${agent.host}]
    ports: [${ports.model}]
    inject: ${inject}
    source: { env: AIRLOCK_TEST_PROVIDER_KEY }
    upstream: https://${agent.host}:${ports.model}
    dlp: redact
tls: { upstreamCaFile: ${caFile} }
`;
}

/** A TCP listener that only counts connections: proof that a denied request never reached it. */
export async function openCountingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
