// Order statistics and number formatting for the proxy benchmark.

/** Nearest-rank percentile (p in 0..100) of an array of numbers. */
export function percentile(xs, p) {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export const median = (xs) => percentile(xs, 50);

/** p50, p90, p99 and max of latency samples (ms). */
export function summarize(xs) {
  return { count: xs.length, p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: Math.max(...xs) };
}

export const fixed = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const signed = (x, digits = 3) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(digits)}` : 'n/a');
export const percent = (ratio) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : 'n/a');

/** Prints rows (arrays of cells) as a left-aligned first column and right-aligned others. */
export function printTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ')}`;
  console.log(line(all[0]));
  for (const r of all.slice(1)) console.log(line(r));
}

/** "met" / "NOT met" with the figure and the target, one line. */
export function verdict(label, ok, figure, target) {
  const line = `  ${ok ? 'met    ' : 'NOT met'}  ${label}: ${figure} (target ${target})`;
  console.log(line);
  return { label, met: ok, figure, target };
}
