// npm run bench: agent images. Build time of the Gemini CLI image (the smallest agent)
// cold (fresh AIRLOCK_HOME and npm cache, Docker layer cache off) and warm (same home:
// lockfile and npm cache kept; --force rebuilds) and up to date (nothing to do); then
// `airlock run <tool> -- --version` against the bare agent's `--version` on the host,
// installed from the same pinned package, as a ratio measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TOOLS = (process.env.BENCH_TOOLS ?? 'gemini,codex,claude').split(',');
const PACKAGES = {
  claude: ['@anthropic-ai/claude-code@2.1.330', true, 'claude'],
  codex: ['@openai/codex@0.169.0', false, 'codex'],
  gemini: ['@google/gemini-cli@0.61.0', false, 'gemini'],
  opencode: ['opencode-ai@1.18.33', true, 'opencode'],
};
const cli = join(process.cwd(), 'bin', 'airlock.js');
const repo = mkdtempSync(join(tmpdir(), 'airlock-bench-repo-'));
spawnSync('chown', ['1000:1000', repo]);
spawnSync('chmod', ['755', repo]); // bwrap's sandbox user is the host's own: it reads, never writes here.

function run(cmd, args, env = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.toString().slice(-2000)}`);
  return { ms, out: r.stdout.toString() };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Placeholder keys: a session with a credential route needs its source, even for --version.
const KEYS = { ANTHROPIC_API_KEY: 'sk-bench', OPENAI_API_KEY: 'sk-bench', GEMINI_API_KEY: 'bench' };
const airlock = (home, args) => run(process.execPath, [cli, ...args], { AIRLOCK_HOME: home, ...KEYS });

function buildTimes(tool) {
  const home = mkdtempSync(join(tmpdir(), 'airlock-bench-images-'));
  try {
    spawnSync('docker', ['image', 'rm', '-f', `airlock/tool-${tool}:${PACKAGES[tool][0].split('@').pop()}`], { stdio: 'ignore' });
    const cold = airlock(home, ['images', 'build', tool]).ms;
    const warm = airlock(home, ['images', 'build', tool, '--force']).ms;
    const upToDate = airlock(home, ['images', 'build', tool]).ms;
    return { tool, coldMs: cold, warmMs: warm, upToDateMs: upToDate };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The bare agent on the host, from the same pinned package (cached between runs). */
function bareAgent(tool) {
  const [spec, scripts, bin] = PACKAGES[tool];
  const dir = join('/var/tmp/airlock-bench-agents', tool);
  const path = join(dir, 'node_modules', '.bin', bin);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...(scripts ? [] : ['--ignore-scripts']), spec], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`npm install ${spec} failed: ${r.stderr}`);
  }
  return path;
}

function versionTimes(tool) {
  const home = mkdtempSync(join(tmpdir(), 'airlock-bench-version-'));
  try {
    airlock(home, ['images', 'build', tool]);
    airlock(home, ['images', 'approve', tool]);
    const bare = bareAgent(tool);
    const sample = (fn) => {
      fn();
      return median(Array.from({ length: RUNS }, fn));
    };
    const bareMs = sample(() => run(bare, ['--version'], { HOME: home }).ms);
    const docker = sample(() => airlock(home, ['run', '--driver', 'docker', tool, '--', '--version']).ms);
    const bwrap = sample(() => airlock(home, ['run', '--driver', 'bwrap', tool, '--', '--version']).ms);
    return { tool, bareMs, dockerMs: docker, bwrapMs: bwrap, dockerRatio: docker / bareMs, bwrapRatio: bwrap / bareMs };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const builds = [buildTimes('gemini')];
const versions = TOOLS.map(versionTimes);
rmSync(repo, { recursive: true, force: true });
console.log('agent image build (ms)');
for (const b of builds) console.log(`  ${b.tool.padEnd(8)} cold ${b.coldMs.toFixed(0).padStart(7)}  warm (--force) ${b.warmMs.toFixed(0).padStart(7)}  up to date ${b.upToDateMs.toFixed(0).padStart(6)}  warm/cold x${(b.warmMs / b.coldMs).toFixed(2)}`);
console.log(`\`--version\`, median of ${RUNS} (ms): bare agent on the host vs airlock run`);
for (const v of versions) {
  console.log(`  ${v.tool.padEnd(8)} bare ${v.bareMs.toFixed(0).padStart(6)}  docker ${v.dockerMs.toFixed(0).padStart(6)} (x${v.dockerRatio.toFixed(1)})  bwrap ${v.bwrapMs.toFixed(0).padStart(6)} (x${v.bwrapRatio.toFixed(1)})`);
}
console.log(JSON.stringify({ builds, versions }));
