import type { CliContext } from './context.js';

export interface Command {
  summary: string;
  help: string;
  hidden?: boolean;
  load: () => Promise<{ run: (ctx: CliContext, args: string[]) => Promise<number> }>;
}

const RUN_HELP = `Usage: airlock run <tool> [--repo DIR] [--driver docker|bwrap] [-- tool-args...]

Runs a tool from the policy's tools: section in a least-privilege sandbox, with the
repository mounted at /workspace. The tool's exit code is airlock's exit code; the
session id goes to stderr. Options for airlock come before "--", the tool's after.

Options:
  --repo DIR       repository to work on (default: the current directory)
  --driver NAME    docker or bwrap (default: the policy's sandbox.driver, else auto)

Examples:
  airlock run shell
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
repo's .airlock/policy.yaml, and prints the effective policy. On errors, prints every
one as file:dot.path: message and exits 78.`,
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
