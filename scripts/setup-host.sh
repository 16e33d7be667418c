#!/usr/bin/env bash
# Everything a fresh Debian bookworm machine needs to run Airlock and its tests:
# Debian packages, npm dependencies, the build, Docker Engine running, the base image.
# Idempotent: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A NEEDS=(
  [dockerd]=docker.io [docker-init]=tini [bwrap]=bubblewrap [debootstrap]=debootstrap
  [cc]=gcc [curl]=curl [tmux]=tmux [git]=git [strace]=strace
)
missing=()
for cmd in "${!NEEDS[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDS[$cmd]}"); done
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || missing+=(libc6-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-host: missing packages ${missing[*]}: run this script as root (sudo)" >&2
    exit 77
  fi
  echo "setup-host: installing ${missing[*]} from Debian" >&2
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

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
