import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** Each dependency gets this long to answer: an orchestrator's probe must not hang on a vanished database. */
const probeMs = 3000;

async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), probeMs);
  });
  try {
    return (await Promise.race([probe(), timeout])) !== false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'sessions' | 'bus' | 'metrics' | 'chromium'>): void {
  // 503 naming what is down (the database; Redis in the scale-out mode; Chromium where bots run), so an
  // orchestrator can act on it. Chromium is checked at start; a process whose Chromium went since cannot run a bot.
  app.get('/healthz', async (_request, reply) => {
    const { reachable } = deps.bus;
    const { chromium } = deps;
    const [database, redis, browser] = await Promise.all([
      answers(() => deps.sessions.countByState()),
      reachable ? answers(() => reachable.call(deps.bus)) : Promise.resolve(undefined),
      chromium ? answers(chromium) : Promise.resolve(undefined),
    ]);
    if (database && redis !== false && browser !== false) return { status: 'ok' };
    const state = (up: boolean) => (up ? 'up' : 'down');
    const optional = (name: string, up: boolean | undefined) => (up === undefined ? {} : { [name]: state(up) });
    return reply.code(503).send({ status: 'unavailable', database: state(database), ...optional('redis', redis), ...optional('chromium', browser) });
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
