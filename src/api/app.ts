import websocket from '@fastify/websocket';
import fastify, { type FastifyInstance } from 'fastify';
import { SchedulerError } from '../scheduler/scheduler.js';
import { TransitionError } from '../sessions/session-store.js';
import { requireAdmin } from './auth.js';
import type { ApiDeps } from './deps.js';
import { healthRoutes } from './routes/health.js';
import { logRoutes } from './routes/logs.js';
import { sessionRoutes } from './routes/sessions.js';
import { ValidationError } from './validation.js';

/** The HTTP API (DESIGN.md §6). Everything under /v1 needs a bearer token. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
  const log = deps.logger.child({ component: 'http' });
  await app.register(websocket);
  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof ValidationError) return reply.code(400).send({ error: 'invalid_request', message: error.message });
    if (error instanceof SchedulerError) return reply.code(error.status).send({ error: 'conflict', message: error.message });
    if (error instanceof TransitionError) return reply.code(409).send({ error: 'conflict', message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ error: 'invalid_request', message: (error as Error).message });
    log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error; see the server log' });
  });
  healthRoutes(app, deps);
  await app.register(async (v1) => {
    v1.addHook('onRequest', requireAdmin(deps.adminToken));
    sessionRoutes(v1, deps);
    logRoutes(v1, deps);
  });
  return app;
}
