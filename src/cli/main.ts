import { readFileSync } from 'node:fs';
import { AirlockError, toAirlockError } from '../core/index.js';
import { wantsHelp } from './args.js';
import { COMMANDS, mainHelp } from './commands.js';
import { createContext } from './context.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp(version())}\n`);
    return name === undefined ? 64 : 0;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    throw new AirlockError('USAGE', `unknown command "${name}": run airlock --help for the list`);
  }
  if (wantsHelp(args)) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  // A session's audit thread starts now, while the command's modules load (cli/prestart.ts).
  const ctx = createContext(process, new URL('./', import.meta.url), { prestartAuditThread: name === 'run' || name === 'exec' });
  const { run } = await command.load();
  return run(ctx, args);
}

function report(error: AirlockError): void {
  process.stderr.write(`airlock: error: ${error.message}\n`);
  for (const line of error.details) process.stderr.write(`  ${line}\n`);
  if (process.env.AIRLOCK_DEBUG === '1' && error.cause instanceof Error) process.stderr.write(`${error.cause.stack}\n`);
}

/** Exits once stdout and stderr are flushed, whatever handles are still open. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (thrown: unknown) => {
  const error = toAirlockError(thrown);
  report(error);
  exitAfterFlush(error.exitCode);
});
