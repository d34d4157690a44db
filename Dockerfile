# syntax=docker/dockerfile:1
# Unlatch container image. Build: docker build -t unlatch:0.1.0 .   (or podman build)
# Two stages: `build` has the compiler and dev dependencies; the final image has Node, the compiled
# JavaScript and production dependencies only, runs as a non-root user, and checks /healthz.
# BASE_IMAGE is the same for both stages so the native addon (better-sqlite3) matches the runtime's glibc
# and Node ABI; deploy/test/build-image-local.sh substitutes a locally made base on machines without a registry.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
# Compilers for better-sqlite3 when no prebuilt binary can be downloaded; they stay in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts/bundle-server.mjs ./scripts/bundle-server.mjs
# Compile and bundle (dist/server, what runs), then drop TypeScript, the bundler, vitest and the other dev
# dependencies (the compiled addons of the rest stay). i18next names typescript as an optional peer, so prune
# keeps it; nothing imports it at run time: remove it.
RUN npx tsc -p tsconfig.build.json \
 && node scripts/bundle-server.mjs \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
 && find src -name '*.ts' -delete

FROM ${BASE_IMAGE} AS runtime
# V8 heap limits sized for a 256 MB container (docs/production.md, "Sizing"); the same flags as `npm start`.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=128" \
    UNLATCH_HOST=0.0.0.0 \
    UNLATCH_PORT=8080 \
    UNLATCH_DATA_DIR=/var/lib/unlatch
WORKDIR /app
# Templates, the stylesheet and the password blocklist are read at run time from beside package.json.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/http/portal/views ./src/http/portal/views
COPY --from=build /app/src/http/portal/assets ./src/http/portal/assets
COPY --from=build /app/src/http/admin/views ./src/http/admin/views
COPY --from=build /app/src/http/admin/assets ./src/http/admin/assets
COPY assets ./assets
COPY locales ./locales
# A fixed numeric uid (not root) so Kubernetes' runAsNonRoot can check it; the data dir is the only writable place.
RUN groupadd --system --gid 10001 unlatch \
 && useradd --system --uid 10001 --gid unlatch --home-dir /var/lib/unlatch --shell /usr/sbin/nologin unlatch \
 && mkdir -p /var/lib/unlatch /etc/unlatch \
 && chown unlatch:unlatch /var/lib/unlatch
USER 10001:10001
VOLUME ["/var/lib/unlatch"]
# 8080: portal, API, /healthz, /readyz. 9464: the separate metrics listener (metrics.listen, when configured).
EXPOSE 8080 9464
# No curl in the image: Node itself asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.UNLATCH_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node as PID 1 ignores SIGTERM unless it handles it; Unlatch does (clean shutdown), but run with
# `docker run --init` / compose `init: true` so zombies are reaped too.
ENTRYPOINT ["node", "dist/server/main.js"]
CMD ["serve"]
