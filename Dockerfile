# syntax=docker/dockerfile:1
# One image for both processes: the API (the default) and the worker (`tsx src/worker/main.ts`).
# TypeScript runs through tsx, a runtime dependency, exactly as `npm run api` / `npm run worker` do: no compile step.
# The scripts' commands run without npm in between: `npm run` passes SIGTERM only to its `sh -c`, which dies without
# passing it on, so the worker would be killed instead of draining its activities.
# Configuration (and every secret) comes from the environment at run time; see .env.example.

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    OPSLOOP_WORKFLOW_BUNDLE=/app/dist/workflows.bundle.js \
    PATH=/app/node_modules/.bin:$PATH
WORKDIR /app
# Code and dependencies stay root-owned, so the running process cannot modify them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
# The worker starts from this bundle (OPSLOOP_WORKFLOW_BUNDLE, set above) instead of running webpack at every start.
RUN tsx src/worker/build-bundle.ts /app/dist/workflows.bundle.js
# Without DATABASE_URL the audit trail is a JSON-lines file under .data: the one directory the app writes to.
RUN mkdir .data && chown node:node .data
USER node
EXPOSE 3000
CMD ["tsx", "src/api/main.ts"]
