import { AGENT_ROUTES, AGENT_TOOLS } from './agent-tools.js';
import { DEFAULT_MASKED, DEFAULT_PROTECTED } from './workspace-schema.js';

/**
 * The built-in org policy. `airlock init` writes this text out; with no policy file
 * at all, Airlock parses this same text, so the two can never disagree.
 */
export const DEFAULT_POLICY_YAML = `# Airlock org policy (version 1).
# Every section is optional: a field you leave out keeps the built-in value shown here.
# A repository may narrow this policy in .airlock/policy.yaml, never widen it.
# Check the effective policy with: airlock policy check [--repo DIR]
version: 1

sandbox:
  # Which sandbox runs sessions: auto (docker if it works, else bwrap), docker or bwrap.
  driver: auto
  # The image \`airlock exec\` runs on the docker driver (built by scripts/setup-host.sh).
  image: airlock/base:bookworm
  # The agent runs as this uid/gid inside the sandbox. Never 0.
  uid: 1000
  gid: 1000
  # The repository is mounted at /workspace: read-write or read-only.
  repo: read-write
  # Extra host paths made visible inside the sandbox, e.g.
  #   - { source: /opt/datasets, target: /data, readOnly: true }
  mounts: []

limits:
  # Processes and threads inside the sandbox.
  pids: 512
  # Memory in MiB; an allocation past it is killed.
  memoryMb: 4096
  # CPU cores (fractions allowed).
  cpus: 2
  # A session is stopped after this many seconds.
  timeoutSeconds: 14400

# Tools that \`airlock run TOOL\` may start: the image the docker driver runs and the
# command (entrypoint) inside it; \`airlock run TOOL -- ARGS\` appends ARGS.
# An agent also names its npm package (exact version and integrity; \`airlock images
# build TOOL\` makes its image), its credential route and the variables it reads for
# the key and base URL, files written into its home (quiet settings), hosts it needs
# (egress), update hosts (always denied), and home directories kept per user (persist).
tools:
  shell:
    description: An interactive bash shell, for trying policies.
    image: airlock/base:bookworm
    entrypoint: [/bin/bash]
    env: {}
  node:
    description: The Node.js runtime the agents use.
    image: airlock/base:bookworm
    entrypoint: [node]
    env: {}
${agentToolsYaml()}

# The only way out of a sandbox is Airlock's governance proxy: default deny.
egress:
  # Rules: host (exact, "*.example.com" one label, "**.example.com" any depth),
  # ports (default [443]); for inspected traffic, methods and paths. Deny beats allow.
  # IP literals and names resolving to private addresses are refused unless a rule
  # says allowPrivate: true. Example:
  #   - { host: registry.npmjs.org }
  #   - { host: api.example.com, inspect: true, methods: [GET], paths: [/v1/**] }
  allow: []
  deny: []
  # Internal names: host -> IP, used instead of DNS.
  resolve: {}
  # Bytes of a request body read for inspection; past it: block, or pass and record "unscanned".
  inspectBodyBytes: 4194304
  overInspectLimit: pass

# Credential routes: the sandbox gets a per-session placeholder, the proxy swaps it for
# the real secret only on requests to the route's hosts. Example:
#   - name: anthropic
#     hosts: [api.anthropic.com]
#     inject: { header: x-api-key }
#     source: { env: ANTHROPIC_API_KEY }        # or { file: /path } or { command: [argv], ttlSeconds: 300 }
#     placeholderEnv: [ANTHROPIC_API_KEY]
# A route that a tool names (tools.<name>.credential.route) serves only that tool's
# sessions; the agents' model providers, with the real key from airlock's environment:
credentials:
${agentRoutesYaml()}

# Upstream TLS is verified against the system roots, plus this bundle when set.
tls: {}

# Which tools run only from an image in the signed catalog (airlock images approve):
# packaged (the agents: every tool with a package) or all (every tool, on docker; a
# tool without an image cannot run on bwrap then). The catalog is
# AIRLOCK_HOME/images/catalog.json, signed by this machine's approval key (made on the
# first approval) unless publicKeyFile names the organisation's, e.g.
#   publicKeyFile: /etc/airlock/catalog-key.pub.pem
#   catalogFile: /etc/airlock/catalog.json
images:
  requireApproval: packaged

# The repository as the sandbox sees it. Patterns are gitignore-like: "*.pem" matches at
# any depth, a "/" anchors at the repository root, a trailing "/" means a directory.
workspace:
  # Paths that do not exist inside the sandbox: each is replaced by an empty file or
  # directory (ignored files too: a .env usually is). airlock policy check lists them.
  masked: ${JSON.stringify(DEFAULT_MASKED)}
  # Paths read-only inside the sandbox: hooks, CI, the agents' instructions and settings.
  protected: ${JSON.stringify(DEFAULT_PROTECTED)}
  # Protected paths the agent may change anyway; the session record flags each change.
  writable: []
  # Files whose content may not leave in any request the proxy can read (a request
  # carrying one, matched by content fingerprints, is refused), e.g. [payments/**].
  forbidEgress: []

# Secret scanning (DLP) of every request body the proxy can read: credential formats
# (cloud, VCS, registry, chat, payment, private keys, JWTs, database URLs, generic
# high-entropy values beside key-like names) and the exact bytes of every credential
# route's secret, raw, base64 and URL-encoded. Low-confidence findings are only recorded;
# a high-confidence one is blocked (403 EGRESS_SECRET), redacted (its bytes replaced with
# [airlock-redacted:<rule>], the request sent) or only recorded (alert), as its
# credential route's dlp says, else onHigh. The model providers' routes above redact.
dlp:
  enabled: true
  onHigh: block
  # JWT issuers (prefixes of "iss") rated high-confidence besides the well-known ones.
  jwtIssuers: []

# The audit log: every session and decision, hash-chained, with signed checkpoints.
audit:
  # sqlite (embedded; path defaults to AIRLOCK_HOME/audit/audit.db), or a central
  #   { kind: postgres, url: postgres://airlock@db.example.com/airlock, password: { env: AIRLOCK_PG_PASSWORD } }
  store: { kind: sqlite }
  # When the log cannot be written: closed (the session loses egress and ends) or
  # open (events wait in memory and are written when the store is back).
  failMode: closed
  # A signed Merkle checkpoint every N events or T seconds, and at every session end.
  checkpoint: { everyEvents: 1000, everySeconds: 60 }
  # The session's full patch is kept up to this many bytes.
  maxPatchBytes: 10485760
  # Also deliver events (at least once, from the store) to, e.g.:
  #   - { kind: jsonl, name: archive, path: /var/log/airlock/audit.jsonl }
  #   - { kind: syslog, name: siem, host: siem.example.com, port: 6514, tls: true }
  #   - { kind: otlp, name: otel, url: http://127.0.0.1:4318/v1/logs }
  #   - { kind: hec, name: splunk, url: https://splunk.example.com:8088/services/collector/event, token: { env: HEC_TOKEN } }
  sinks: []
`;

/** JSON is YAML: each agent as a block of flow values, readable and exact. */
function agentToolsYaml(): string {
  return Object.entries(AGENT_TOOLS).map(([name, tool]) => {
    const lines = Object.entries(tool).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`);
    return `  ${name}:\n${lines.join('\n')}`;
  }).join('\n');
}

function agentRoutesYaml(): string {
  return AGENT_ROUTES.map((route) => `  - ${JSON.stringify(route)}`).join('\n');
}
