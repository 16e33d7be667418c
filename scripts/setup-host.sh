#!/usr/bin/env bash
# Everything a fresh Debian bookworm machine needs to run Airlock and its tests:
# Debian packages, npm dependencies, the build, Docker Engine running, the base image.
# Idempotent: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A NEEDS=(
  [dockerd]=docker.io [docker-init]=tini [bwrap]=bubblewrap [debootstrap]=debootstrap
  [cc]=gcc [curl]=curl [tmux]=tmux [git]=git [strace]=strace [ss]=iproute2
)
missing=()
for cmd in "${!NEEDS[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDS[$cmd]}"); done
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || missing+=(libc6-dev)
# The audit store's PostgreSQL and the syslog sink's receiver, for the tests (which start
# private instances of their own: the packages' own services are neither created nor started).
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
[ -x /usr/sbin/rsyslogd ] || missing+=(rsyslog)
ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 || missing+=(rsyslog-gnutls)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-host: missing packages ${missing[*]}: run this script as root (sudo)" >&2
    exit 77
  fi
  echo "setup-host: installing ${missing[*]} from Debian" >&2
  apt-get update -q >/dev/null
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/airlock.conf
  # Debian's way to install daemons without starting them (invoke-rc.d asks policy-rc.d).
  had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  [ $had_policy = 1 ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  [ $had_policy = 1 ] || rm -f /usr/sbin/policy-rc.d
fi
# better-sqlite3 builds from source (no prebuilt binaries are reachable): Debian's Node
# headers, not a download from nodejs.org.
[ -d /usr/include/node ] && export npm_config_nodedir=/usr

# npm dependencies, only when the lockfile changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -c1-64)
if [ "$(cat node_modules/.airlock-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "setup-host: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.airlock-lock-hash
fi
npm run --silent build

./scripts/start-dockerd.sh
./scripts/build-base-image.sh
