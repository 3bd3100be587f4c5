# The product's one image. The worker and the HTTP API are the same build; the command picks the role
# (docker-compose.yml does):
#   node dist/src/worker.js     the worker (bundles workflows/ from dist/workflows at start)
#   node dist/src/api-main.js   the HTTP API (the default command)
# Build: docker build -t privatelink-enablement .  No secret is built in: configuration comes from the environment
# and mounted files at run time (docs/deploy.md).
#
# Debian (glibc), not Alpine: @temporalio/core-bridge only ships prebuilt *-unknown-linux-gnu binaries
# (node_modules/@temporalio/core-bridge/common.js maps every Linux to "unknown-linux-gnu").
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Compile: the full dependency set (TypeScript, types) and `npm run build` -> dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# 2. Production dependencies only. The Temporal core bridge ships a native binary for every platform; only this
# image's is kept (it loads releases/<arch>-unknown-linux-gnu/index.node and nothing else).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev \
  && npm cache clean --force \
  && cd node_modules/@temporalio/core-bridge/releases \
  && for target in *; do [ "$target" = "$(uname -m)-unknown-linux-gnu" ] || rm -rf "$target"; done \
  && test -f "$(uname -m)-unknown-linux-gnu/index.node"

# 3. Runtime: production dependencies, the compiled dist/, plctl and the example configuration.
FROM ${NODE_IMAGE} AS runtime
# tini is PID 1: it forwards SIGTERM/SIGINT to node and reaps zombies. Node itself handles the signal: the worker
# stops polling and lets running activities finish, the API stops accepting connections and finishes requests in
# flight, then each exits 0 (give `docker stop` a grace period, e.g. stop_grace_period in docker-compose.yml).
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
# HOST: inside a container the API must listen on every interface to be reachable through a published port (the
# product's own default is loopback); publish it on 127.0.0.1 or behind a proxy, as docker-compose.yml does.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The console's script and style (tsc copies no assets); htmx comes from node_modules.
COPY src/console/assets ./dist/src/console/assets
# package.json marks the product's root (src/paths.ts) and gives its version; config/ holds the example vendor
# configuration used when VENDOR_CONFIG is unset; bin/plctl.js runs the compiled CLI (e.g. `plctl token new`).
COPY package.json ./
COPY bin ./bin
COPY config ./config
# The worker's ticket file (TICKET_SYSTEM=file) lives in DATA_DIR: a volume mounted here inherits this owner.
RUN mkdir -p /data && chown 1000:1000 /data
# The `node` user of the base image, by number so that runtimes can check it is not root.
USER 1000:1000
# API (PORT), worker metrics (METRICS_ADDRESS), worker health (HEALTH_PORT) in docker-compose.yml.
EXPOSE 3000 9464 8081
# The same probe for both roles: the worker's health port when HEALTH_PORT is set, else the API's PORT. So a worker
# container needs HEALTH_PORT (docker-compose.yml sets it), or it reports unhealthy. Plain node: the slim image has no
# curl or wget.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/api-main.js"]
