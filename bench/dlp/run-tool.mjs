// One tool's timed passes over the DLP corpus, in a process of its own, so that neither
// tool's garbage or compiled code weighs on the other's timing. Usage (from bench/dlp.mjs):
//   node --import tsx bench/dlp/run-tool.mjs airlock|secretlint MANIFEST.json OUT.json
// Warms up on the first files, then keeps the best of two passes; writes { mbps, spans }.
import { readFileSync, writeFileSync } from 'node:fs';
import { createScanner, scanBuffer } from '../../src/dlp/index.js';
import { loadSecretlint } from './secretlint.mjs';

const [tool, manifestPath, outPath] = process.argv.slice(2);
const files = JSON.parse(readFileSync(manifestPath, 'utf8'));
const WARM_UP_FILES = 10;
const PASSES = 2;

async function airlock() {
  const scanner = createScanner();
  const contents = files.map((f) => readFileSync(f.path));
  const scan = (b) => scanBuffer(scanner, b, { lines: false }).map((f) => ({ offset: f.offset, length: f.length, confidence: f.confidence, rule: f.rule }));
  return { contents, scan, spans: (_i, found) => found };
}

async function secretlint() {
  const s = await loadSecretlint();
  const contents = files.map((f) => readFileSync(f.path, 'utf8'));
  return { contents, scan: (text, path) => s.lint(text, path), spans: (i, found) => s.spans(contents[i], found).map((f) => ({ ...f, confidence: 'high' })) };
}

const t = await (tool === 'airlock' ? airlock() : secretlint());
for (let i = 0; i < Math.min(WARM_UP_FILES, files.length); i++) await t.scan(t.contents[i], files[i].path);
const bytes = files.reduce((n, f) => n + f.bytes, 0);
let best;
for (let p = 0; p < PASSES; p++) {
  const found = [];
  const started = performance.now();
  for (let i = 0; i < files.length; i++) found.push(await t.scan(t.contents[i], files[i].path));
  const seconds = (performance.now() - started) / 1000;
  if (best === undefined || seconds < best.seconds) best = { seconds, found };
}
writeFileSync(outPath, JSON.stringify({ mbps: bytes / 1e6 / best.seconds, spans: best.found.map((f, i) => t.spans(i, f)) }));
