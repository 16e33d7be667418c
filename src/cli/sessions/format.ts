import type { SessionSummary } from './summary.js';

const short = (hash: unknown, n = 12) => (typeof hash === 'string' ? hash.replace(/^sha256:/, '').slice(0, n) : '-');

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return m < 60 ? `${m}m${Math.round((ms % 60_000) / 1000)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

function egressTotals(s: SessionSummary): { allowed: number; denied: number } {
  let allowed = 0;
  let denied = 0;
  for (const c of Object.values(s.end?.egress ?? {})) {
    allowed += c.allowed;
    denied += c.denied;
  }
  return { allowed, denied };
}

/** The table `airlock sessions list` prints. */
export function formatSessionTable(sessions: readonly SessionSummary[]): string {
  const rows = [['SESSION', 'STARTED', 'USER', 'TOOL', 'DRIVER', 'EXIT', 'TIME', 'EGRESS ok/denied', 'FILES', 'REPO']];
  for (const s of sessions) {
    const t = egressTotals(s);
    rows.push([
      s.sessionId, s.startedAt.replace('T', ' ').slice(0, 19), s.user, s.tool.name, s.driver,
      s.end === undefined ? 'running?' : String(s.end.exitCode),
      s.end === undefined ? '-' : formatDuration(s.end.durationMs),
      s.end === undefined ? '-' : `${t.allowed}/${t.denied}`,
      s.end === undefined ? '-' : String((s.end.git?.filesChanged as unknown[] | undefined)?.length ?? 0),
      s.repo,
    ]);
  }
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')).join('\n')}\n`;
}

/** The record `airlock sessions show` prints, readable at a glance. */
export function formatSessionRecord(s: SessionSummary, events: number): string {
  const g = s.git;
  const lines = [
    `session   ${s.sessionId}`,
    `user      ${s.user} on ${s.host} (${s.userVerified ? 'verified' : 'not verified by an identity provider'})`,
    `tool      ${s.tool.name}${s.tool.version ? ` ${s.tool.version}` : ''}: ${s.tool.image}${s.tool.digest ? ` (${short(s.tool.digest, 19)})` : ''}`,
    `command   ${oneLine(s.argv.join(' '), 160)}`,
    `driver    ${s.driver}    policy ${short(s.policyHash)}`,
    `repo      ${s.repo}`,
  ];
  if (g.isGit === true) {
    lines.push(`          ${g.remoteUrl ? `${String(g.remoteUrl)}  ` : ''}${g.branch ? `branch ${String(g.branch)}` : 'detached'} at ${short(g.head) || 'no commits'}${g.dirty ? ' (uncommitted changes at start)' : ''}`);
  } else lines.push('          not a git repository');
  if (s.end === undefined) {
    lines.push(`started   ${s.startedAt}; no end record (still running, or airlock was killed)`);
  } else {
    const e = s.end;
    lines.push(`time      ${s.startedAt} for ${formatDuration(e.durationMs)}, exit ${e.exitCode} (${e.endedBy})`);
    const hosts = Object.entries(e.egress);
    if (hosts.length === 0) lines.push('egress    none');
    hosts.forEach(([host, c], i) => lines.push(`${i === 0 ? 'egress   ' : '         '} ${host.padEnd(32)} ${String(c.allowed).padStart(5)} allowed ${String(c.denied).padStart(5)} denied`));
    lines.push(...codeLines(e.codeEgress));
    lines.push(`findings  ${e.findings.length === 0 ? 'none' : e.findings.map((f) => [f.type, f.code, f.rule, f.host === undefined ? undefined : `to ${String(f.host)}`].filter((x) => x !== undefined && x !== '').map(String).join(' ')).join('; ')}`);
    lines.push(...changeLines(e.git, g));
    for (const c of e.controlFilesChanged) lines.push(`control   ${c.change} ${c.path} (protected by ${c.pattern}; workspace.writable let it through)`);
  }
  lines.push(`events    ${events} (airlock audit tail --session ${s.sessionId})`);
  return `${lines.join('\n')}\n`;
}

/** Which repository files left, to where, and how much of each (by content fingerprints). */
function codeLines(codeEgress: Record<string, { path: string; fraction: number }[]>): string[] {
  const hosts = Object.entries(codeEgress);
  if (hosts.length === 0) return ['code out  none of the repository\'s files, in what the proxy could read'];
  const out: string[] = [];
  hosts.forEach(([host, files], i) => {
    out.push(`${i === 0 ? 'code out ' : '         '} to ${host}: ${files.length} file${files.length === 1 ? '' : 's'}`);
    for (const f of files.slice(0, 30)) out.push(`            ${String(Math.round(f.fraction * 100)).padStart(3)}% ${f.path}`);
    if (files.length > 30) out.push(`            … and ${files.length - 30} more (--json lists all)`);
  });
  return out;
}

function changeLines(after: Record<string, unknown> | undefined, before: Record<string, unknown>): string[] {
  if (after === undefined) return ['changes   unknown (not recorded)'];
  const files = (after.filesChanged ?? []) as { path: string; status: string; oldPath?: string }[];
  const mark: Record<string, string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R' };
  const out = [`changes   ${files.length} file${files.length === 1 ? '' : 's'}${files.length === 0 ? '' : ':'}`];
  for (const f of files.slice(0, 50)) out.push(`            ${mark[f.status] ?? '?'} ${f.oldPath ? `${f.oldPath} -> ` : ''}${f.path}`);
  if (files.length > 50) out.push(`            … and ${files.length - 50} more (--json lists all)`);
  if (after.headAfter !== before.head) out.push(`          HEAD ${short(before.head)} -> ${short(after.headAfter)} (${String(after.commitsMade ?? 0)} commits)`);
  const patch = after.patch as { digest?: string; bytes?: number; truncated?: boolean } | undefined;
  if (patch?.digest !== undefined) {
    out.push(`          patch ${short(patch.digest, 16)}, ${String(patch.bytes)} bytes${patch.truncated ? ' (cut at audit.maxPatchBytes)' : ''}: airlock sessions show ID --patch`);
  }
  return out;
}

/** Whitespace runs (newlines in a `-c` script) as one space, and long commands cut: --json has all. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
