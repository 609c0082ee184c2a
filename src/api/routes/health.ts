import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async () => {
    await deps.sessions.countByState();
    return { status: 'ok' };
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
