# Conductor's image: one image, three commands — server (default), worker,
# migrate. Envoy, PostgreSQL, MinIO, Elasticsearch and Temporal run from
# their own images (docker-compose.yml).
#
#   docker build -t conductor .
#   docker run conductor server | worker | migrate

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Complete lockfile (every platform's optional binaries listed): npm ci works here.
RUN npm ci --no-audit --no-fund
COPY . .
# The descriptor sets (buf) and the compiled TypeScript; then only runtime dependencies.
RUN node scripts/build.ts && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    CONDUCTOR_GRPC_HOST=0.0.0.0 \
    CONDUCTOR_DESCRIPTOR_FILE=/app/envoy/descriptor.pb
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# envoy/ is written at start (the rendered gateway configuration) and /data
# holds a development key: both belong to the unprivileged user.
COPY --from=build --chown=node:node /app/envoy ./envoy
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/docs/openapi.json ./docs/openapi.json
RUN mkdir -p /data && chown node:node /data
# The image's own unprivileged user (node, uid 1000).
USER node
EXPOSE 50051 8081
# Tracing starts first when OTEL_EXPORTER_OTLP_ENDPOINT is set (nothing is loaded otherwise).
ENTRYPOINT ["node", "--enable-source-maps", "--import", "./dist/src/adapters/telemetry/instrument.js", "dist/src/cli/container.js"]
CMD ["server"]
