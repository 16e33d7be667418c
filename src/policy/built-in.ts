import { AGENT_ROUTES, AGENT_TOOLS } from './agent-tools.js';
import type { Policy } from './schema.js';
import { DEFAULT_MASKED, DEFAULT_PROTECTED } from './workspace-schema.js';

/**
 * DEFAULT_POLICY_YAML as data, so that a run with no policy file loads neither the
 * YAML parser nor the schemas. built-in.test.ts proves the two are equal.
 */
export const BUILT_IN_POLICY: Policy = {
  version: 1,
  sandbox: { driver: 'auto', image: 'airlock/base:bookworm', uid: 1000, gid: 1000, repo: 'read-write', mounts: [] },
  limits: { pids: 512, memoryMb: 4096, cpus: 2, timeoutSeconds: 14400 },
  tools: {
    shell: { description: 'An interactive bash shell, for trying policies.', image: 'airlock/base:bookworm', entrypoint: ['/bin/bash'], env: {}, files: {}, egress: [], updateHosts: [], persist: [] },
    node: { description: 'The Node.js runtime the agents use.', image: 'airlock/base:bookworm', entrypoint: ['node'], env: {}, files: {}, egress: [], updateHosts: [], persist: [] },
    ...AGENT_TOOLS,
  },
  egress: { allow: [], deny: [], resolve: {}, inspectBodyBytes: 4_194_304, overInspectLimit: 'pass' },
  credentials: [...AGENT_ROUTES],
  tls: {},
  images: { requireApproval: 'packaged' },
  workspace: { masked: [...DEFAULT_MASKED], protected: [...DEFAULT_PROTECTED], writable: [], forbidEgress: [] },
  dlp: { enabled: true, onHigh: 'block', jwtIssuers: [] },
  audit: { store: { kind: 'sqlite' }, failMode: 'closed', checkpoint: { everyEvents: 1000, everySeconds: 60 }, maxPatchBytes: 10_485_760, sinks: [] },
};
