// The DLP benchmark's corpus: ~100 MB (BENCH_DLP_MB) of files, made the same way every
// run: source code from this project's node_modules, synthetic logs, and JSON LLM
// conversations, with a few hundred secrets planted at recorded byte offsets.
import { mkdirSync, readdirSync, readFileSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chatText } from '../../src/dlp/body/test-bodies.js';
import { createRng, randomChars } from '../../src/dlp/test-tokens.js';
import { PLANTS } from './plants.mjs';

const FILE_BYTES = 1_000_000;
/** Planted secrets per megabyte, on average. */
const PLANTS_PER_MB = 4;
const KINDS = Object.keys(PLANTS);

function sourceFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) return sourceFiles(path);
    return stat.isFile() && /\.(?:c|m)?[jt]s$/.test(name) && stat.size < 2_000_000 ? [path] : [];
  });
}

/** Lines of a service log: timestamps, levels, request ids, routes, durations. */
function logLines(rng) {
  const routes = ['/v1/messages', '/api/users', '/healthz', '/v1/chat/completions', '/static/app.js'];
  return () => {
    const ts = new Date(1_764_000_000_000 + Math.floor(rng() * 1e9)).toISOString();
    const level = ['INFO', 'INFO', 'INFO', 'WARN', 'DEBUG'][Math.floor(rng() * 5)];
    return `${ts} ${level} req=${randomChars(rng, '0123456789abcdef', 16)} ${['GET', 'POST'][Math.floor(rng() * 2)]} ${routes[Math.floor(rng() * routes.length)]} status=200 dur_ms=${Math.floor(rng() * 900)} user=u${Math.floor(rng() * 5000)}\n`;
  };
}

/** A JSON LLM request of ~FILE_BYTES: an Anthropic-shaped conversation, its plants inside messages. */
function chatFile(rng, seed, plantsFor) {
  const messages = [];
  const planted = [];
  for (let i = 0, size = 0; size < FILE_BYTES; i++) {
    const textBytes = 2000 + Math.floor(rng() * 4000);
    const plant = plantsFor(textBytes);
    const content = `${chatText(seed * 1000 + i, textBytes)}${plant === undefined ? '' : `\nhere is what I have:\n${plant.text}`}`;
    if (plant !== undefined) planted.push(plant);
    messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content });
    size += content.length + 40;
  }
  const text = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8192, messages });
  // Plants are JSON-escaped inside the body: find each value where it landed.
  const spans = [];
  let from = 0;
  for (const plant of planted) {
    for (const span of plant.spans) {
      const value = JSON.stringify(Buffer.from(plant.text).subarray(span.offset, span.offset + span.length).toString()).slice(1, -1);
      const at = text.indexOf(value, from);
      spans.push({ kind: span.kind, offset: Buffer.byteLength(text.slice(0, at)), length: Buffer.byteLength(value) });
      from = at + value.length;
    }
  }
  return { content: Buffer.from(text), spans };
}

/** A file of lines from `nextLine`, with `plantsFor()` snippets between lines. */
function lineFile(nextLine, plantsFor) {
  const parts = [];
  const spans = [];
  let bytes = 0;
  while (bytes < FILE_BYTES) {
    const plant = plantsFor(60);
    // A plant starts a line of its own (a source file's last line may lack its newline).
    const lineStart = parts.length === 0 || parts[parts.length - 1].at(-1) === 0x0a;
    const piece = Buffer.from(plant === undefined ? nextLine() : `${lineStart ? '' : '\n'}${plant.text}`);
    const shift = plant === undefined || lineStart ? 0 : 1;
    if (plant !== undefined) for (const s of plant.spans) spans.push({ kind: s.kind, offset: bytes + shift + s.offset, length: s.length });
    parts.push(piece);
    bytes += piece.length;
  }
  return { content: Buffer.concat(parts), spans };
}

/**
 * Writes the corpus into `dir`; returns its files ({ path, bytes, spans }).
 * Mix: 60% source code, 20% logs, 20% JSON conversations; PLANTS_PER_MB on average.
 */
export function writeCorpus(dir, { megabytes, nodeModules }) {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(20261124);
  let plantIndex = 0;
  const plantsFor = (bytes) => (rng() < (bytes * PLANTS_PER_MB) / 1e6 ? PLANTS[KINDS[plantIndex++ % KINDS.length]](rng) : undefined);
  const sources = sourceFiles(nodeModules);
  let source = 0;
  const nextSourceLine = (() => {
    let lines = [];
    return () => {
      while (lines.length === 0) lines = readFileSync(sources[source++ % sources.length], 'utf8').split(/(?<=\n)/).reverse();
      return lines.pop();
    };
  })();
  const nextLogLine = logLines(rng);
  const files = [];
  for (let i = 0; i < megabytes; i++) {
    const kind = i % 5 < 3 ? 'code' : i % 5 === 3 ? 'log' : 'chat';
    const made = kind === 'code' ? lineFile(nextSourceLine, plantsFor) : kind === 'log' ? lineFile(nextLogLine, plantsFor) : chatFile(rng, i, plantsFor);
    const path = join(dir, `${String(i).padStart(4, '0')}-${kind}.${kind === 'code' ? 'js' : kind === 'log' ? 'log' : 'json'}`);
    writeFileSync(path, made.content);
    files.push({ path, bytes: made.content.length, spans: made.spans });
  }
  return files;
}
