// The scripted model server as a program, for the demo and for tests that run it apart:
//   node dist/model-server.js --scenario FILE --port N [--host 127.0.0.1]
//        [--tls-cert F --tls-key F] [--record FILE] [--workdir DIR]
// Without --port (or with 0) any free port is used. Prints one JSON line {"url","port"}
// when listening; exits 0 on SIGTERM or SIGINT.
// Like cli/main.ts, this entry point alone reads process.argv and calls process.exit.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AirlockError, isAirlockError, toAirlockError } from '../core/index.js';
import { loadScenario, openModelServer } from './index.js';
import type { ModelServerOptions } from './index.js';

const USAGE = 'usage: model-server --scenario FILE --port N [--host 127.0.0.1] [--tls-cert FILE --tls-key FILE] [--record FILE] [--workdir DIR]';

function usage(message: string): AirlockError {
  return new AirlockError('USAGE', `${message}\n${USAGE}`);
}

/** --port N; 0 (or no --port) lets the system choose a free port. */
function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw usage(`--port needs a number from 0 to 65535, not ${text}`);
  return port;
}

function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AirlockError('CONFIG_INVALID', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

const FLAGS = ['scenario', 'port', 'host', 'tls-cert', 'tls-key', 'record', 'workdir'] as const;
type Flag = (typeof FLAGS)[number];

function readFlags(argv: string[]): Partial<Record<Flag, string>> {
  const options = Object.fromEntries(FLAGS.map((flag) => [flag, { type: 'string' as const }]));
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    return Object.fromEntries(Object.entries(values).filter((e): e is [Flag, string] => typeof e[1] === 'string'));
  } catch (cause) {
    throw usage((cause as Error).message);
  }
}

async function optionsFrom(argv: string[]): Promise<ModelServerOptions> {
  const flags = readFlags(argv);
  if (flags.scenario === undefined) throw usage('--scenario is required');
  const { 'tls-cert': cert, 'tls-key': key } = flags;
  if ((cert === undefined) !== (key === undefined)) throw usage('--tls-cert and --tls-key go together');
  return {
    scenario: await loadScenario(flags.scenario),
    port: portOf(flags.port),
    host: flags.host ?? '127.0.0.1',
    tls: cert && key ? { certPem: readPem(cert), keyPem: readPem(key) } : undefined,
    recordFile: flags.record,
    workdir: flags.workdir === undefined ? undefined : resolve(flags.workdir),
    onError: (error) => process.stderr.write(`model-server: ${toAirlockError(error).message}\n`),
  };
}

async function listen(options: ModelServerOptions) {
  try {
    return await openModelServer(options);
  } catch (cause) {
    const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`;
    throw new AirlockError('INTERNAL', `cannot listen on ${where}: ${(cause as Error).message}; choose another --port or --host`, { cause });
  }
}

async function main(): Promise<void> {
  const server = await listen(await optionsFrom(process.argv.slice(2)));
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(70),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  const e = toAirlockError(error);
  process.stderr.write(`model-server: ${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}`);
  process.exit(isAirlockError(error) ? e.exitCode : 70);
});
