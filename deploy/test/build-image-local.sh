#!/bin/bash
# Builds the real ./Dockerfile on a machine with no container registry (only Debian's and npm's), then runs
# the image and checks it: /healthz and /readyz answer, it runs as uid 10001, the HEALTHCHECK command
# passes, `--version` and `config validate` work, and no compiler is left in the final image.
#
# What differs from `docker build .`: BASE_IMAGE is a local Debian bookworm made with mmdebstrap plus
# the Node 24 binary, headers and npm of this machine (node:24-bookworm-slim cannot be pulled here).
# Everything else (both stages, npm ci, tsc, npm prune --omit=dev, USER, HEALTHCHECK) is the Dockerfile's.
#
# usage: bash deploy/test/build-image-local.sh [NODE24_DIR]     (default /root/.cache/node24; run as root)
# needs: apt-get install -y podman buildah mmdebstrap runc
# KEEP=1 keeps the images afterwards (localhost/unlatch:local).
set -euo pipefail
NODE_DIR=$(readlink -f "${1:-/root/.cache/node24}")
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d)
NAME=unlatch-image-test-$$
cleanup() {
  podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" != 1 ]; then podman rmi -f localhost/unlatch:local localhost/unlatch-node-base:24 localhost/unlatch-debian-base:bookworm >/dev/null 2>&1 || true; fi
  rm -rf "$W"
}
trap cleanup EXIT
# This machine: crun refuses the hybrid cgroup layout and root lacks CAP_SYS_RESOURCE (see shared recipes):
# use runc and lower default ulimits, without touching /etc.
cat > "$W/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF=$W/containers.conf
say() { printf '== %s (%ss)\n' "$1" "$SECONDS"; }

if podman image exists localhost/unlatch-debian-base:bookworm; then
  say "debian bookworm rootfs: reusing localhost/unlatch-debian-base:bookworm (from a KEEP=1 run)"
else
  say "debian bookworm rootfs (mmdebstrap)"
  mmdebstrap --quiet --variant=apt --include=passwd,ca-certificates,libstdc++6,python3,make,g++ \
    bookworm "$W/rootfs.tar" /etc/apt/sources.list.d/debian.sources
  podman import --quiet "$W/rootfs.tar" localhost/unlatch-debian-base:bookworm >/dev/null
fi

say "node 24 base image (stands in for node:24-bookworm-slim)"
mkdir -p "$W/base/node/bin" "$W/base/node/lib/node_modules"
cp "$NODE_DIR/bin/node" "$W/base/node/bin/node"
cp -r "$NODE_DIR/include" "$W/base/node/include"
cp -r "$NPM_DIR" "$W/base/node/lib/node_modules/npm"
# This machine reaches the npm registry through a TLS proxy whose CA only the host's bundle trusts: the
# local base (and so this test image, never a published one) trusts that bundle too.
cp /etc/ssl/certs/ca-certificates.crt "$W/base/host-ca-bundle.crt"
cat > "$W/base/Containerfile" <<'CF'
FROM localhost/unlatch-debian-base:bookworm
COPY node /usr/local
COPY host-ca-bundle.crt /etc/ssl/certs/host-ca-bundle.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-bundle.crt npm_config_cafile=/etc/ssl/certs/host-ca-bundle.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
# native addons build against these headers, offline (node-gyp would otherwise download them)
ENV npm_config_nodedir=/usr/local
CMD ["node"]
CF
podman build --quiet --isolation=chroot --network=host -t localhost/unlatch-node-base:24 "$W/base" >/dev/null

say "the real Dockerfile, BASE_IMAGE=localhost/unlatch-node-base:24"
# --format docker: the OCI image format has no HEALTHCHECK field (podman drops it with a warning).
podman build --format docker --isolation=chroot --network=host --build-arg BASE_IMAGE=localhost/unlatch-node-base:24 \
  -t localhost/unlatch:local -f "$REPO/Dockerfile" "$REPO" > "$W/build.log" 2>&1 || { tail -40 "$W/build.log"; exit 1; }
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' localhost/unlatch:local

say "checks"
fail() { echo "FAIL: $*"; exit 1; }
[ "$(podman image inspect localhost/unlatch:local --format '{{.Config.User}}')" = "10001:10001" ] || fail "USER is not 10001:10001"
podman image inspect localhost/unlatch:local --format '{{json .Config.Healthcheck}}' | grep -q healthz || fail "no HEALTHCHECK on /healthz"
podman run --rm --network=host localhost/unlatch:local --version | grep -Eq '^unlatch [0-9]' || fail "--version"
if podman run --rm --network=host --entrypoint node localhost/unlatch:local -e "require.resolve('typescript')" >/dev/null 2>&1; then fail "typescript is in the final image"; fi
if podman run --rm --network=host --entrypoint sh localhost/unlatch:local -c 'command -v g++ || command -v tsc' >/dev/null 2>&1; then echo "note: the local base carries g++ (the real node:24-bookworm-slim does not)"; fi
# A production configuration with its key in a mounted secret file, as compose and the chart do it.
mkdir -p "$W/etc" && chmod 0755 "$W" "$W/etc"
printf 'mode: production\npublicUrl: https://reset.example.org\ntenants: [{id: example, name: Example}]\nmail: {transport: smtp, smtp: {host: mail.example.org}}\n' > "$W/etc/unlatch.yaml"
echo "k1:$(openssl rand -hex 32)" > "$W/etc/keys" && chmod 0644 "$W/etc/keys" "$W/etc/unlatch.yaml"
podman run --rm --network=host -v "$W/etc:/etc/unlatch:ro" -e UNLATCH_SECRETS_KEYS_FILE=/etc/unlatch/keys \
  localhost/unlatch:local config validate --config /etc/unlatch/unlatch.yaml 2>&1 | grep '^config OK' \
  || fail "config validate in the image"
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
podman run -d --init --name "$NAME" --network=host -e UNLATCH_PORT="$PORT" -e UNLATCH_HOST=127.0.0.1 localhost/unlatch:local >/dev/null
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/healthz" || { podman logs "$NAME" | tail -20; fail "/healthz"; }; echo
curl -sf "http://127.0.0.1:$PORT/readyz" || fail "/readyz"; echo
[ "$(podman exec "$NAME" node -e 'process.stdout.write(String(process.getuid()))')" = 10001 ] || fail "not running as uid 10001"
# the image's own HEALTHCHECK command, run inside the container
podman exec -e UNLATCH_PORT="$PORT" "$NAME" node -e "fetch('http://127.0.0.1:'+(process.env.UNLATCH_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" || fail "HEALTHCHECK command"
podman stop -t 10 "$NAME" >/dev/null
podman logs "$NAME" 2>&1 | grep -q 'shutting down' || fail "no clean shutdown on SIGTERM"
say "image OK"
