#!/usr/bin/env bash
# The main job on the embedded defaults: set up what is missing, then run a governed
# session on a sample repository and show what the sandbox could and could not do.
# Safe to run again. State: $AIRLOCK_HOME (default ~/.airlock).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/setup-host.sh

export AIRLOCK_HOME=${AIRLOCK_HOME:-$HOME/.airlock}
airlock() { node "$root/bin/airlock.js" "$@"; }
demo=$AIRLOCK_HOME/demo
repo=$demo/sample-repo
canary=$HOME/.airlock-demo-canary
mkdir -p "$demo"

# A sample repository, as a developer's checkout (owned by the sandbox user when we are root).
if [ ! -d "$repo/.git" ]; then
  mkdir -p "$repo"
  printf '# Sample service\n\nA repository for the Airlock demo.\n' > "$repo/README.md"
  git -C "$repo" init -q -b main
  git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid add -A
  git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid commit -qm "initial commit"
fi
[ "$(id -u)" = 0 ] && chown -R 1000:1000 "$repo"
echo "host-only secret: do not leak" > "$canary"
rm -f "$repo/NOTES.md"

echo "== airlock doctor"
airlock doctor
echo
echo "== a governed session: airlock run shell (driver: policy default, auto)"
set +e
airlock run shell --repo "$repo" -- -c '
  echo "inside: $(id)";
  echo "inside: capabilities $(grep CapEff /proc/self/status | tr -s "\t" " ")";
  echo "inside: network interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | paste -sd,)";
  cat '"$canary"' 2>/dev/null && echo "inside: READ THE HOST CANARY" || echo "inside: host canary is not visible";
  node -e "require(\"net\").connect(22, \"127.0.0.1\").on(\"error\", e => console.log(\"inside: the host loopback is unreachable: \" + e.code))";
  touch /usr/evil 2>/dev/null && echo "inside: WROTE /usr" || echo "inside: system directories are read-only";
  echo "Written by the agent inside the Airlock sandbox." > /workspace/NOTES.md && echo "inside: wrote /workspace/NOTES.md";
  exit 7'
code=$?
set -e
echo
echo "== session summary"
echo "exit code passed through: $code (the command exited 7)"
echo "repository file written: $(test -f "$repo/NOTES.md" && echo "yes: $(cat "$repo/NOTES.md")" || echo no)"
echo "leftover containers: $(docker ps -aq --filter label=dev.airlock.session | wc -l)"
echo "leftover run directories: $(ls "$AIRLOCK_HOME/run" 2>/dev/null | wc -l)"
rm -f "$canary"
echo
echo "== the audit record of that session"
session=$(airlock sessions list --limit 1 --json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].sessionId)')
airlock sessions show "$session"
echo
echo "== airlock audit verify"
airlock audit verify
[ "$code" = 7 ] && test -f "$repo/NOTES.md"
echo "demo: ok"
