#!/usr/bin/env bash
# Starts Docker Engine when it is not answering on its socket. Idempotent.
# Containers never get a network from Airlock (network mode "none"), so the engine
# runs without a bridge or iptables rules: nothing to configure, nothing exposed.
set -euo pipefail
SOCK=/var/run/docker.sock
LOG=${AIRLOCK_DOCKERD_LOG:-/var/log/airlock-dockerd.log}

engine_up() { curl -fsS --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

if engine_up; then exit 0; fi
command -v dockerd >/dev/null || { echo "start-dockerd: dockerd is not installed; run scripts/setup-host.sh" >&2; exit 69; }

echo "start-dockerd: starting dockerd (log: $LOG)" >&2
setsid nohup dockerd --bridge=none --iptables=false --ip6tables=false \
  --host "unix://$SOCK" >>"$LOG" 2>&1 < /dev/null &

for _ in $(seq 1 120); do
  if engine_up; then echo "start-dockerd: Docker Engine is up" >&2; exit 0; fi
  sleep 0.25
done
echo "start-dockerd: dockerd did not answer on $SOCK within 30 s; see $LOG" >&2
tail -n 20 "$LOG" >&2 || true
exit 69
