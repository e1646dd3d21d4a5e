# Driftwood's image. The build stage runs the build CI runs on a clean machine (`npm ci`, then
# `npm run build`: the web UI into web/dist, the server bundle into server/dist); the runtime stage
# holds only what `npm start` runs. No Docker engine runs in this repo's tests:
# test/unit/dockerfile.test.ts checks this file against .ci/run, package.json and the build's outputs.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon when no prebuilt binary fits the platform, and
# Driftwood's own (server/native) is always compiled.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# `npm ci` builds the native batch digest (package.json's install script) from these sources.
COPY server/native ./server/native
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# Only the packages `npm start` loads; the native addon built above stays.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DRIFTWOOD_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/server/dist ./server/dist
# The hash chain's native batch digest, built by `npm ci` above (server/integrity/native.ts).
COPY --from=build /app/server/native ./server/native
# The bundle reads these beside its sources (server/build.ts keeps each module's location).
COPY --from=build /app/server/store/migrations ./server/store/migrations
COPY --from=build /app/server/security/common-passwords.txt ./server/security/common-passwords.txt
COPY --from=build /app/web/dist ./web/dist
# The image's `node` user (uid 1000) owns the data; a named volume starts with this ownership.
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
# HTTP (UI, API, drains), syslog UDP+TCP, syslog over TLS (on only with DRIFTWOOD_TLS_CERT/_KEY).
EXPOSE 8080/tcp 5514/tcp 5514/udp 6514/tcp
# The slim image has no curl: Node 20's fetch asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.DRIFTWOOD_HTTP_PORT || 8080}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: stop accepting, commit what is queued, exit within docker stop's 10 s (server/cli/serve.ts).
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "--max-semi-space-size=4", "--heap-growing-percent=100", "server/dist/main.js", "serve"]
