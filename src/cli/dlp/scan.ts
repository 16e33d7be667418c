import { readFile } from 'node:fs/promises';
import { AirlockError } from '../../core/index.js';
import { createScanner, scanBuffer } from '../../dlp/index.js';
import type { Finding } from '../../dlp/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';
import { emptySkips, filesToScan } from './walk.js';
import type { FileToScan, WalkSkips } from './walk.js';

/** Bytes read to tell a binary file (it has a NUL byte there) from text, as git does. */
const BINARY_PROBE_BYTES = 8000;

export interface PathFinding extends Finding {
  path: string;
}

interface ScanTotals {
  files: number;
  bytes: number;
  binary: number;
  findings: PathFinding[];
}

async function scanFiles(files: readonly FileToScan[], skips: WalkSkips): Promise<ScanTotals> {
  const scanner = createScanner();
  const totals: ScanTotals = { files: 0, bytes: 0, binary: 0, findings: [] };
  for (const file of files) {
    let content: Buffer;
    try {
      content = await readFile(file.path);
    } catch (error) {
      skips.unreadable.push({ shown: file.shown, code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
      continue;
    }
    if (content.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
      totals.binary++;
      continue;
    }
    totals.files++;
    totals.bytes += content.length;
    for (const f of scanBuffer(scanner, content)) totals.findings.push({ path: file.shown, ...f });
  }
  return totals;
}

function line(f: PathFinding): string {
  return `${f.path}:${f.line ?? 0}:${f.column ?? 0} ${f.rule} ${f.confidence} ${f.preview}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(totals: ScanTotals, skips: WalkSkips, all: boolean): string {
  const high = totals.findings.filter((f) => f.confidence === 'high').length;
  const low = totals.findings.length - high;
  const hidden = all || low === 0 ? '' : ' (not shown: --all shows them)';
  const skipped = [totals.binary > 0 ? `${totals.binary} binary` : '', skips.symlinks > 0 ? plural(skips.symlinks, 'symlink') : '', skips.tooLarge.length > 0 ? `${skips.tooLarge.length} over 32 MiB` : '', skips.unreadable.length > 0 ? `${skips.unreadable.length} unreadable` : ''].filter((s) => s !== '');
  const mb = (totals.bytes / 1e6).toFixed(1);
  return `scanned ${plural(totals.files, 'file')} (${mb} MB): ${high} high-confidence, ${low} low-confidence finding${low === 1 ? '' : 's'}${hidden}${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}\n`;
}

function notes(skips: WalkSkips): string {
  const lines = [
    ...skips.tooLarge.map((s) => `note: skipped ${s.shown}: ${(s.bytes / 1024 / 1024).toFixed(1)} MiB is over the 32 MiB limit`),
    ...skips.unreadable.map((s) => `note: cannot read ${s.shown} (${s.code})`),
  ];
  return lines.map((l) => `${l}\n`).join('');
}

/** airlock dlp scan <path...> [--all] [--json]: exit 1 when a high-confidence finding is found. */
export async function scanPaths(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('dlp', args, { json: { type: 'boolean' }, all: { type: 'boolean' } }, true);
  if (positionals.length === 0) throw new AirlockError('USAGE', 'airlock dlp scan needs at least one file or directory, e.g. airlock dlp scan . (see airlock dlp --help)');
  const skips = emptySkips();
  const files = await filesToScan(positionals, ctx.cwd, skips);
  const totals = await scanFiles(files, skips);
  const all = values.all === true;
  const shown = totals.findings.filter((f) => all || f.confidence === 'high');
  if (values.json === true) writeJson(ctx.stdout, shown);
  else for (const f of shown) ctx.stdout.write(line(f));
  ctx.stderr.write(notes(skips) + summary(totals, skips, all));
  return totals.findings.some((f) => f.confidence === 'high') ? 1 : 0;
}
