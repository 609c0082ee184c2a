import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { topics } from '../../bus.js';
import { levelNumbers, readSessionLog, type LevelName, type LogLine } from '../../logging/session-log.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const logQuery = z.object({
  level: z.enum(Object.keys(levelNumbers) as [LevelName, ...LevelName[]]).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  token: z.string().optional(),
});

export function logRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/v1/sessions/:id/logs', async (request, reply) => {
    const { id } = parse(z.object({ id: z.string() }), request.params);
    const query = parse(logQuery, request.query);
    if (!(await deps.sessions.get(id))) return reply.code(404).send({ error: 'not_found', message: `session ${id} not found` });
    const lines = await readSessionLog(deps.store.db, id, {
      minLevel: query.level ? levelNumbers[query.level] : undefined,
      after: query.after,
      limit: query.limit,
    });
    return { lines };
  });

  // Live lines: the stored backlog after `?after=` first, then every new line as it is stored.
  app.get('/v1/sessions/:id/logs/live', { websocket: true }, (socket, request) => {
    const { id } = parse(z.object({ id: z.string() }), request.params);
    const query = parse(logQuery, request.query);
    const minLevel = query.level ? levelNumbers[query.level] : 0;
    let lastSent = query.after ?? 0;
    let backlogDone = false;
    const queued: LogLine[] = [];
    const send = (line: LogLine) => {
      if (line.id <= lastSent || line.level < minLevel) return;
      lastSent = line.id;
      socket.send(JSON.stringify(line));
    };
    const unsubscribe = deps.bus.subscribe(topics.sessionLog(id), (message) => {
      const line = message as LogLine;
      if (backlogDone) send(line);
      else queued.push(line);
    });
    socket.on('close', unsubscribe);
    const window = query.after === undefined ? { tail: 200 } : { after: query.after, limit: 10_000 };
    readSessionLog(deps.store.db, id, { minLevel, ...window })
      .then((backlog) => {
        for (const line of backlog) send(line);
        for (const line of queued.splice(0)) send(line);
        backlogDone = true;
      })
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'live log backlog failed');
        socket.close(1011, 'backlog failed');
      });
  });
}
