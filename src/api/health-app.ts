import fastify, { type FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.js';
import { healthRoutes } from './routes/health.js';

/**
 * What a `quorum worker` serves: `/healthz` (the database, Redis and Chromium it needs) and `/metrics` (its bots: join
 * latency, active bots, failures by end code, which only the process running them knows). No API, no token.
 */
export function buildHealthApp(deps: Pick<ApiDeps, 'sessions' | 'bus' | 'metrics' | 'chromium'>): FastifyInstance {
  const app = fastify({ logger: false });
  healthRoutes(app, deps);
  return app;
}
