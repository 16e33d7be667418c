import type { CliContext } from './context.js';

export interface Command {
  summary: string;
  help: string;
  hidden?: boolean;
  load: () => Promise<{ run: (ctx: CliContext, args: string[]) => Promise<number> }>;
}

const RUN_HELP = `Usage: airlock run <tool> [--repo DIR] [--driver docker|bwrap] [--review] [-- tool-args...]

Runs a tool from the policy's tools: section in a least-privilege sandbox, with the
repository mounted at /workspace. The tool's exit code is airlock's exit code; the
session id goes to stderr. Options for airlock come before "--", the tool's after.

Options:
  --repo DIR       repository to work on (default: the current directory)
  --driver NAME    docker or bwrap (default: the policy's sandbox.driver, else auto)
  --review         work on a copy of the repository; the changes wait for you:
                   airlock sessions diff ID, then airlock apply ID or airlock discard ID

Examples:
  airlock run shell
  airlock run claude --review -- -p "fix the failing test"
  airlock run node --repo ~/src/app -- -e "console.log(process.version)"`;

const EXEC_HELP = `Usage: airlock exec [--repo DIR] [--driver docker|bwrap] -- <command...>

Runs any command in the same sandbox a tool would get, for trying policies.
On docker it runs in the policy's sandbox.image.

Examples:
  airlock exec -- id
  airlock exec --driver bwrap -- sh -c 'cat /proc/self/status | grep Cap'`;

export const COMMANDS: Record<string, Command> = {
  run: { summary: 'run a tool in a sandbox', help: RUN_HELP, load: () => import('./commands/run.js') },
  exec: { summary: 'run any command in a sandbox', help: EXEC_HELP, load: () => import('./commands/exec.js') },
  policy: {
    summary: 'check and print the effective policy',
    help: `Usage: airlock policy check [--repo DIR] [--json]

Loads the org policy (AIRLOCK_HOME/policy.yaml, else the built-in defaults) and the
repo's .airlock/policy.yaml, and prints the effective policy. With --repo it also lists
the repository's files that workspace.masked hides from the sandbox (each is an empty
file or directory inside) and those workspace.protected makes read-only. On errors,
prints every one as file:dot.path: message and exits 78.`,
    load: () => import('./commands/policy.js'),
  },
  init: {
    summary: 'write the default org policy, commented',
    help: `Usage: airlock init [--force]

Writes the built-in policy, with comments, to AIRLOCK_HOME/policy.yaml (default
~/.airlock/policy.yaml). Refuses to overwrite an existing file unless --force.`,
    load: () => import('./commands/init.js'),
  },
  doctor: {
    summary: 'say which sandbox drivers work here, and how to fix the others',
    help: `Usage: airlock doctor [--json]

Probes every sandbox driver. For each that does not work, prints why and the exact
fix. Exits 0 when at least one driver works, 69 otherwise.`,
    load: () => import('./commands/doctor.js'),
  },
  gc: {
    summary: 'remove what killed sessions left behind',
    help: `Usage: airlock gc [--json]

Removes containers, cgroups and run directories of sessions whose airlock process is
gone (for example killed with SIGKILL). Live sessions are never touched. Every
\`airlock run\` and \`airlock exec\` does this too before it starts.`,
    load: () => import('./commands/gc.js'),
  },
  apply: {
    summary: 'apply the changes of a review session to the repository',
    help: `Usage: airlock apply <session-id> [--json]

Applies what a session run with airlock run --review changed (its patch, as
airlock sessions diff shows it) to the repository it was run on, with git apply: all
or nothing, refused when the repository changed in a way the patch does not fit.
Recorded in the audit log as review.applied; the session's copy is removed.`,
    load: async () => ({ run: (await import('./review/review.js')).apply }),
  },
  discard: {
    summary: 'drop the changes of a review session',
    help: `Usage: airlock discard <session-id> [--json]

Drops what a session run with airlock run --review changed, and its copy of the
repository. Recorded in the audit log as review.discarded.`,
    load: async () => ({ run: (await import('./review/review.js')).discard }),
  },
  sessions: {
    summary: 'list recorded sessions and show one',
    help: `Usage: airlock sessions list [--limit N] [--since T] [--user U] [--repo DIR] [--tool T] [--json]
       airlock sessions show <session-id> [--json] [--patch]
       airlock sessions diff <session-id>

list prints the newest sessions (default 20): who ran which tool on which repository,
its exit code, time, egress (allowed/denied) and files changed. show prints one
session's record: repository remote, branch and HEAD before and after, tool image
digest, driver, policy hash, egress per host, findings and the files changed;
--patch prints the stored patch (pipe it to git apply); diff is the same, for a
review session's changes (airlock run --review) before airlock apply or discard.
T is an ISO 8601 time (2026-11-24, 2026-11-24T10:00:00Z) or an age (90m, 12h, 7d).

Examples:
  airlock sessions list --since 7d --user alice
  airlock sessions show 01jdq5x3v8k2m4n6p8r0s2t4w6 --patch | git apply`,
    load: () => import('./commands/sessions.js'),
  },
  audit: {
    summary: 'verify, search and export the audit log',
    help: `Usage: airlock audit verify [--key PUBLIC.pem] [--json]
       airlock audit tail [-f] [--session ID] [-n N] [--json]
       airlock audit query [--since T] [--until T] [--user U] [--repo DIR] [--tool T]
                           [--decision allowed|denied] [--type TYPE]... [--session ID] [--limit N] [--json]
       airlock audit export [--format jsonl|ocsf] [--since T] [--until T]
       airlock audit export-key
       airlock audit ship [--timeout SECONDS] [--json]

verify re-hashes every record and checks every signed checkpoint; it names the first
edited, deleted, inserted or reordered record, or a truncated tail, and exits 65 when
the log was changed. --key verifies with an exported public key (the default is this
machine's own). export writes one JSON object per line: jsonl gives Airlock's records
with their chain (seq, prevHash, hash, event); ocsf gives OCSF ${'1.3'} events.
export-key prints the public key that verifies this machine's checkpoints. ship
delivers what the policy's audit.sinks have not received yet (every session does this
too; a sink that was down catches up from its cursor) and exits 74 if some remain.
The store is the policy's audit.store (default AIRLOCK_HOME/audit/audit.db).

Examples:
  airlock audit verify
  airlock audit tail -f --session 01jdq5x3v8k2m4n6p8r0s2t4w6
  airlock audit query --since 24h --decision denied
  airlock audit export --format ocsf --since 2026-11-01 > airlock-ocsf.jsonl`,
    load: () => import('./commands/audit.js'),
  },
  images: {
    summary: 'build, approve and list the images agents run from',
    help: `Usage: airlock images build <tool> [--force] [--json]
       airlock images approve <tool> [--key PRIVATE.pem] [--json]
       airlock images revoke <tool> [--digest sha256:...] [--key PRIVATE.pem] [--json]
       airlock images list [--json]
       airlock images verify [--json]
       airlock images drift [--since T] [--json]

build makes the image of a tool that names an npm package in the org policy (the
agents: claude, opencode, codex, gemini), with no registry but npm's:
  1. resolves the package on this machine into a lockfile, and refuses it unless the
     registry's integrity is the one the policy pins (a kept lockfile is reused:
     same inputs, same lockfile);
  2. installs it with npm ci --ignore-scripts, which checks every package against the
     lockfile; a tool whose package says installScripts: true then runs its install
     scripts in a container of the base image (no network, no capabilities, the
     install its only writable directory), never on this machine;
  3. writes a CycloneDX SBOM and a manifest of every installed file;
  4. builds the policy's image tag for the tool FROM the base image (the policy's
     sandbox.image), the tool under /opt/airlock/tools/<tool> owned by root, its
     commands on PATH, running as the policy's non-root uid.
npm never sees your ~/.npmrc, npm_config_* variables or npm cache: it gets
airlock's own under AIRLOCK_HOME/images/.npm, so no token reaches the image.
Lockfile, SBOM (sbom.cdx.json), files.json and the record (image.json) are kept in
AIRLOCK_HOME/images/<tool>/<version>/. When the image already carries the same
lockfile and base image, nothing is built (--force rebuilds). --json prints the
record. Progress goes to stderr.

A tool with a package (the agents), or every tool under images.requireApproval: all,
runs only from an image whose content digest is in the signed catalog
(AIRLOCK_HOME/images/catalog.json, or images.catalogFile). approve adds the digest
Docker Engine holds under the tool's image, with its version and SBOM digest, and signs
the catalog with this machine's approval key (AIRLOCK_HOME/images/approval-key.pem,
made on first use) or, when the policy names the organisation's public key
(images.publicKeyFile), with --key, its private half. revoke removes approvals. list
shows each tool's image: present, approved, not approved or missing. verify checks the
signature and each approved image (exit 65 when the catalog was changed). drift puts
approved, present and what sessions actually ran (from the audit log) side by side, so
a shadow version shows up as ran-unapproved.

Examples:
  airlock images build claude
  airlock images approve claude
  airlock images list
  airlock images drift --since 30d --json`,
    load: () => import('./commands/images.js'),
  },
  dlp: {
    summary: 'scan files for secrets, as the proxy scans what leaves',
    help: `Usage: airlock dlp scan <path...> [--all] [--json]

Scans files and directories for secrets with the detectors the proxy uses on what
leaves a sandbox: cloud keys (AWS key ids and secrets, Google API and service-account
keys, Azure keys and SAS), GitHub, GitLab, npm and PyPI tokens, Slack, Discord and
Telegram tokens and webhooks, Stripe, Anthropic and OpenAI keys, private key blocks,
JWTs, database URLs with passwords, and random-looking values beside names such as
api_key, secret, token or password.

Each finding has a confidence. high: a distinctive format (a prefix, a structure, a
valid checksum) or a private key block. low: a value that only looks random beside a
key-like name, a JWT of an unknown issuer, a test-mode key, a token whose checksum
fails. By default only high-confidence findings are printed, and the low ones counted
on stderr; --all prints both.

One line per finding: path:line:column rule confidence preview (columns count bytes).
The preview shows at most the format's public prefix and the last characters, never
the secret. --json prints an array of the findings instead (low ones only with --all).
Directories are walked in name order without following symlinks (a path you name is
followed); .git, binary files and files over 32 MiB are skipped and noted on stderr.
Exits 1 when any high-confidence finding is found, 0 when none is, 64 on a bad argument.

Examples:
  airlock dlp scan .
  airlock dlp scan ~/.aws ~/.config src --all
  airlock dlp scan build/ --json > findings.json`,
    load: () => import('./commands/dlp.js'),
  },
  'internal-gen-schema': {
    summary: 'write JSON Schemas into schema/',
    help: 'Usage: airlock internal-gen-schema [DIR]',
    hidden: true,
    load: () => import('./commands/gen-schema.js'),
  },
};

export function mainHelp(version: string): string {
  const rows = Object.entries(COMMANDS)
    .filter(([, c]) => c.hidden !== true)
    .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `airlock ${version}: run AI coding agents as governed, isolated, audited workloads.

Usage: airlock <command> [options]

Commands:
${rows.join('\n')}

Run \`airlock <command> --help\` for a command's options and examples.
State lives in AIRLOCK_HOME (default ~/.airlock).`;
}
