// Builds the native helpers (see native/*.c): two run inside sandboxes, airlock-relay
// relays the proxy's CONNECT tunnels, and airlock-sockets.node is a Node-API addon the
// proxy loads to set what Node cannot on its sockets.
// The programs are static, so they run on any root filesystem the sandbox uses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const HELPERS = ['airlock-pty', 'airlock-bridge', 'airlock-relay'];
/** node_api.h, installed beside the node binary (Debian's nodejs: /usr/include/node). */
const NODE_HEADERS = join(dirname(dirname(process.execPath)), 'include', 'node');

function compile(source, args, hint) {
  const result = spawnSync('cc', args, { stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(`build-native: cannot compile ${source}; ${hint}`);
    process.exit(1);
  }
}

mkdirSync('dist/native', { recursive: true });
for (const name of HELPERS) {
  compile(`native/${name}.c`, ['-O2', '-static', '-Wall', '-Wextra', '-o', `dist/native/${name}`, `native/${name}.c`], 'install a C compiler and static libc (apt-get install gcc libc6-dev)');
}
if (!existsSync(join(NODE_HEADERS, 'node_api.h'))) {
  console.error(`build-native: ${NODE_HEADERS}/node_api.h is missing: Node's headers come with its package (Debian's nodejs, or the official tarball's include/node)`);
  process.exit(1);
}
compile('native/airlock-sockets.c', ['-O2', '-shared', '-fPIC', '-Wall', '-Wextra', `-I${NODE_HEADERS}`, '-o', 'dist/native/airlock-sockets.node', 'native/airlock-sockets.c'], 'install a C compiler (apt-get install gcc libc6-dev)');
