// npm run bench: session overhead of airlock against bare docker run and bare bwrap,
// measured in the same run, reported as medians and ratios.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const IMAGE = 'airlock/base:bookworm';
const home = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
const repo = join(home, 'repo');
mkdirSync(repo);
chownSync(repo, 1000, 1000);
const env = { ...process.env, AIRLOCK_HOME: home };

function time(cmd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(name, cmd, args) {
  time(cmd, args); // warm-up
  const samples = Array.from({ length: RUNS }, () => time(cmd, args));
  return { name, medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples) };
}

const bwrapBare = ['--unshare-user', '--uid', '1000', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--bind', repo, '/workspace', '--', 'true'];
const airlock = ['bin/airlock.js'];
const cwdArgs = (driver) => [...airlock.map((a) => join(process.cwd(), a)), 'exec', '--driver', driver, '--', 'true'];

const results = [
  measure('node -e 0 (Node start-up floor)', process.execPath, ['-e', '0']),
  measure('bare docker run --rm --network none', 'docker', ['run', '--rm', '--network', 'none', IMAGE, 'true']),
  measure('airlock exec --driver docker -- true', process.execPath, cwdArgs('docker')),
  measure('bare bwrap ... true', 'bwrap', bwrapBare),
  measure('airlock exec --driver bwrap -- true', process.execPath, cwdArgs('bwrap')),
];
rmSync(home, { recursive: true, force: true });

const by = Object.fromEntries(results.map((r) => [r.name, r.medianMs]));
const dockerBare = by['bare docker run --rm --network none'];
const dockerAirlock = by['airlock exec --driver docker -- true'];
const bwrapAirlock = by['airlock exec --driver bwrap -- true'];
const nodeFloor = by['node -e 0 (Node start-up floor)'];
const summary = {
  runs: RUNS,
  results,
  docker: { addedMs: dockerAirlock - dockerBare, ratio: dockerAirlock / dockerBare, targetAddedMs: 150 },
  bwrap: { sessionMs: bwrapAirlock, ratioToBareBwrap: bwrapAirlock / by['bare bwrap ... true'], ratioToNodeFloor: bwrapAirlock / nodeFloor, targetMs: 150 },
};

console.log(`session overhead, median of ${RUNS} runs (ms)`);
for (const r of results) console.log(`  ${r.name.padEnd(40)} ${r.medianMs.toFixed(1).padStart(8)}   (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)})`);
console.log(`docker: airlock adds ${summary.docker.addedMs.toFixed(1)} ms to a bare docker run (x${summary.docker.ratio.toFixed(2)}); target <= 150 ms: ${summary.docker.addedMs <= 150 ? 'met' : 'NOT met'}`);
console.log(`bwrap: a whole airlock session takes ${bwrapAirlock.toFixed(1)} ms (x${summary.bwrap.ratioToNodeFloor.toFixed(2)} of Node's own start-up); target <= 150 ms: ${bwrapAirlock <= 150 ? 'met' : 'NOT met'}`);
mkdirSync('.tmp', { recursive: true });
writeFileSync('.tmp/bench.json', `${JSON.stringify(summary, null, 2)}\n`);
