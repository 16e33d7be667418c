// secretlint, the baseline: installed on first use into a cache outside the repository
// (never a dependency of Airlock), then run through its Node API (@secretlint/core's
// lintSource, with the recommended preset), which skips the CLI's start-up and globbing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SECRETLINT_DIR = process.env.BENCH_SECRETLINT_DIR ?? '/var/tmp/airlock-bench-secretlint';
// 12.x is the last major that runs on Node 20 (13 needs Node 22).
const VERSION = process.env.BENCH_SECRETLINT_VERSION ?? '12.0.0';
const PACKAGES = [`secretlint@${VERSION}`, `@secretlint/secretlint-rule-preset-recommend@${VERSION}`];

function installed() {
  const file = join(SECRETLINT_DIR, 'node_modules', '@secretlint', 'core', 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).version === VERSION;
}

/** Installs secretlint into SECRETLINT_DIR with npm (the registry only), unless it is there. */
export function ensureSecretlint() {
  if (installed()) return;
  mkdirSync(SECRETLINT_DIR, { recursive: true });
  console.log(`installing ${PACKAGES.join(' ')} into ${SECRETLINT_DIR}`);
  const r = spawnSync('npm', ['install', '--prefix', SECRETLINT_DIR, '--no-audit', '--no-fund', '--no-save', ...PACKAGES], { stdio: 'inherit' });
  if (r.status !== 0 || !installed()) throw new Error(`npm install of secretlint failed (exit ${r.status})`);
}

/**
 * secretlint's engine: lint(content, path) resolves to its messages; spans(content,
 * messages) turns their ranges (UTF-16 code units) into byte spans like the planted ones.
 */
export async function loadSecretlint() {
  const from = (spec) => import(pathToFileURL(join(SECRETLINT_DIR, 'node_modules', spec, 'module', 'index.js')).href);
  const { lintSource } = await from('@secretlint/core');
  const { creator } = await from('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  const lint = async (content, filePath) => {
    const ext = filePath.slice(filePath.lastIndexOf('.'));
    return (await lintSource({ source: { filePath, content, ext, contentType: 'text' }, options: { config } })).messages;
  };
  const spans = (content, messages) =>
    messages.map((m) => ({ offset: Buffer.byteLength(content.slice(0, m.range[0])), length: Buffer.byteLength(content.slice(m.range[0], m.range[1])), rule: m.ruleId }));
  return { lint, spans };
}
