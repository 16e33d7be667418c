#!/usr/bin/env bash
# The whole test suite on a fresh machine: set-up (idempotent), then vitest against
# the real Docker Engine and real bubblewrap. Ends with the plain summary line
# "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-host.sh || exit $?
mkdir -p .tmp
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@"
status=$?
node scripts/summary.mjs .tmp/vitest.json || status=1
exit $status
