// Builds dist/: the CLI bundled with esbuild (code-split, so commands and the policy
// parser load only when used: start-up time is a product feature), the scripted model
// server (dist/model-server.js), the static in-sandbox helpers, and the JSON Schemas in schema/.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
const external = ['dockerode', 'better-sqlite3', 'pg'];
const banner = { js: "import { createRequire as __airlockRequire } from 'node:module'; const require = __airlockRequire(import.meta.url);" };
await build({
  // The audit store's worker thread and the tunnel relay host are entries of their own:
  // dist/cli/audit-store-worker.js and dist/cli/relay-host.js.
  entryPoints: ['src/cli/main.ts', { in: 'src/audit/store/worker-main.ts', out: 'audit-store-worker' }, { in: 'src/proxy/relay-host-main.ts', out: 'relay-host' }],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/cli',
  chunkNames: 'chunks/[name]-[hash]',
  external,
  sourcemap: true,
  minifySyntax: true,
  logLevel: 'warning',
  banner,
});
// The scripted model server (tests and the demo run it as a program of its own): one file.
await build({
  entryPoints: ['src/model-server/main.ts'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/model-server.js',
  external,
  sourcemap: true,
  minifySyntax: true,
  logLevel: 'warning',
  banner,
});

const steps = [
  ['node', ['scripts/build-native.mjs']],
  ['node', ['dist/cli/main.js', 'internal-gen-schema']],
];
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
