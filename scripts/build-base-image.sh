#!/usr/bin/env bash
# Builds Airlock's local base image without any registry: debootstrap a minimal Debian
# bookworm from the Debian mirror, add the host's Node runtime (the agents are Node
# programs), then `docker import`. Skips the work when an image built from the same
# recipe is already present. Idempotent.
set -euo pipefail
IMAGE=${AIRLOCK_BASE_IMAGE:-airlock/base:bookworm}
MIRROR=${AIRLOCK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
PACKAGES=ca-certificates,curl,git,procps,libstdc++6
NODE_BIN=$(command -v node)
NODE_VERSION=$("$NODE_BIN" --version)
here=$(cd "$(dirname "$0")" && pwd)
RECIPE=$( { cat "$0"; echo "$SUITE $PACKAGES $NODE_VERSION"; sha256sum "$NODE_BIN"; } | sha256sum | cut -c1-16)

current=$(docker image inspect --format '{{ index .Config.Labels "dev.airlock.base.recipe" }}' "$IMAGE" 2>/dev/null || true)
if [ "$current" = "$RECIPE" ]; then
  echo "build-base-image: $IMAGE is up to date (recipe $RECIPE)" >&2
  exit 0
fi

work=$(mktemp -d /var/tmp/airlock-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "build-base-image: debootstrap $SUITE from $MIRROR (takes a few minutes)" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$work/rootfs" "$MIRROR" \
  > "$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

root=$work/rootfs
install -m 0755 "$NODE_BIN" "$root/usr/local/bin/node"
# A non-root account for the agent; Airlock also forces the uid at run time.
chroot "$root" /usr/sbin/groupadd -g 1000 agent
chroot "$root" /usr/sbin/useradd -u 1000 -g 1000 -m -d /home/agent -s /bin/bash agent
# Nothing that is not needed at run time: apt caches, logs, docs.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/* \
       "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*

echo "build-base-image: importing into Docker as $IMAGE" >&2
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'USER 1000:1000' \
  --change 'WORKDIR /workspace' \
  --change 'CMD ["/bin/bash"]' \
  --change "LABEL dev.airlock.base.recipe=$RECIPE" \
  --change "LABEL org.opencontainers.image.title=airlock-base" \
  --change "LABEL org.opencontainers.image.created=$created" \
  --change "LABEL dev.airlock.base.node=$NODE_VERSION" \
  - "$IMAGE" >/dev/null
echo "build-base-image: built $IMAGE ($(docker image inspect --format '{{.Id}}' "$IMAGE"))" >&2
