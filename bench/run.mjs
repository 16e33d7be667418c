// npm run bench: every benchmark, one after the other, each printing its figures
// (medians and ratios against a baseline measured in the same run).
import { spawnSync } from 'node:child_process';

const suites = ['bench/session.mjs', 'bench/proxy.mjs', 'bench/audit.mjs', 'bench/images.mjs', 'bench/dlp.mjs'];
let failed = false;
for (const suite of suites) {
  console.log(`\n== ${suite}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', suite], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
