// Builds the static helpers (see native/*.c): two run inside sandboxes, airlock-relay
// relays the proxy's CONNECT tunnels.
// Static, so they run on any root filesystem the sandbox uses.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const HELPERS = ['airlock-pty', 'airlock-bridge', 'airlock-relay'];

mkdirSync('dist/native', { recursive: true });
for (const name of HELPERS) {
  const result = spawnSync('cc', ['-O2', '-static', '-Wall', '-Wextra', '-o', `dist/native/${name}`, `native/${name}.c`], {
    stdio: 'inherit',
  });
  if (result.error || result.status !== 0) {
    console.error(`build-native: cannot compile native/${name}.c; install a C compiler and static libc (apt-get install gcc libc6-dev)`);
    process.exit(1);
  }
}
