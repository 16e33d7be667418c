// The scripted model server as a program, for the demo and for tests that run it apart:
//   node dist/model-server.js --scenario FILE --port N [--host 127.0.0.1]
//        [--tls-cert F --tls-key F] [--record FILE] [--workdir DIR]
// Without --port (or with 0) any free port is used. Prints one JSON line {"url","port"} when listening; exits 0 on SIGTERM or SIGINT.
// Like cli/main.ts, this entry point alone reads process.argv and calls process.exit.
import { readFileSync } from 'node:fs';
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

async function optionsFrom(argv: string[]): Promise<ModelServerOptions> {
  const spec = { scenario: {}, port: {}, host: {}, 'tls-cert': {}, 'tls-key': {}, record: {}, workdir: {} } as const;
  const options = Object.fromEntries(Object.keys(spec).map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (cause) {
    throw usage((cause as Error).message);
  }
  const text = (name: keyof typeof spec) => (typeof values[name] === 'string' ? values[name] : undefined);
  const scenarioFile = text('scenario');
  if (scenarioFile === undefined) throw usage('--scenario is required');
  const [cert, key] = [text('tls-cert'), text('tls-key')];
  if ((cert === undefined) !== (key === undefined)) throw usage('--tls-cert and --tls-key go together');
  return {
    scenario: await loadScenario(scenarioFile),
    port: portOf(text('port')),
    host: text('host') ?? '127.0.0.1',
    tls: cert && key ? { certPem: readPem(cert), keyPem: readPem(key) } : undefined,
    recordFile: text('record'),
    workdir: text('workdir'),
    onError: (error) => process.stderr.write(`model-server: ${toAirlockError(error).message}\n`),
  };
}

async function main(): Promise<void> {
  const server = await openModelServer(await optionsFrom(process.argv.slice(2)));
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
