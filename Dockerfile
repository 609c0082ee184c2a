# Quorum: Debian with Node.js 20 and Debian's Chromium; `quorum serve` as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY providers ./providers
COPY test/sim ./test/sim
COPY bench ./bench
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-liberation tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/console/static ./src/console/static
COPY package.json ./
RUN useradd --create-home --uid 10001 quorum && mkdir /data && chown quorum /data
USER quorum
ENV QUORUM_DATA_DIR=/data QUORUM_HTTP_HOST=0.0.0.0 QUORUM_SMTP_HOST=0.0.0.0 CHROMIUM_PATH=/usr/bin/chromium
VOLUME /data
EXPOSE 8080 2525
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli/main.js", "serve"]
