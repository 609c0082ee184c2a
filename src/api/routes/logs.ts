import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { topics } from '../../bus.js';
import { levelNumbers, readSessionLog, type LevelName, type LogLine } from '../../logging/session-log.js';
import { viewFor } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const level = z.enum(Object.keys(levelNumbers) as [LevelName, ...LevelName[]]).optional();

const logQuery = z.object({
  level,
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  token: z.string().optional(),
});

const countQuery = z.object({ level, before: z.coerce.number().int().min(1).optional(), token: z.string().optional() });

/** The live stream reads its stored backlog in pages of this many lines, however long the history. */
const backlogPage = 1000;
/** Past this much unsent data on the socket, the backlog waits for the client to catch up. */
const highWaterBytes = 4 * 1024 * 1024;

export function logRoutes(app: FastifyInstance, deps: ApiDeps): void {
  // One page of stored lines. `more` says whether lines follow the page: the next page is `?after=<nextAfter>`.
  app.get('/v1/sessions/:id/logs', async (request, reply) => {
    const { id } = parse(z.object({ id: z.string() }), request.params);
    const query = parse(logQuery, request.query);
    if (!(await deps.sessions.get(id))) return reply.code(404).send({ error: 'not_found', message: `session ${id} not found` });
    const page = await readSessionLog(deps.store.db, id, {
      minLevel: query.level ? levelNumbers[query.level] : undefined,
      after: query.after,
      limit: query.limit + 1,
    });
    const lines = page.slice(0, query.limit);
    return { lines: viewFor(request)(lines), more: page.length > query.limit, nextAfter: lines.at(-1)?.id ?? query.after ?? 0 };
  });

  // How many stored lines (at or above `level`, before line id `before`): the console says how many it does not show.
  app.get('/v1/sessions/:id/logs/count', async (request, reply) => {
    const { id } = parse(z.object({ id: z.string() }), request.params);
    const query = parse(countQuery, request.query);
    if (!(await deps.sessions.get(id))) return reply.code(404).send({ error: 'not_found', message: `session ${id} not found` });
    let q = deps.store.db.selectFrom('logs').select((eb) => eb.fn.countAll().as('count')).where('session_id', '=', id);
    if (query.level) q = q.where('level', '>=', levelNumbers[query.level]);
    if (query.before !== undefined) q = q.where('id', '<', query.before);
    const row = await q.executeTakeFirst();
    return { count: Number(row?.count ?? 0) };
  });

  // Live lines: the stored backlog after `?after=` first (all of it, page by page; without `after`, the newest
  // 200 lines), then every new line as it is stored.
  app.get('/v1/sessions/:id/logs/live', { websocket: true }, (socket, request) => {
    const { id } = parse(z.object({ id: z.string() }), request.params);
    const query = parse(logQuery, request.query);
    const minLevel = query.level ? levelNumbers[query.level] : 0;
    const view = viewFor(request);
    let lastSent = query.after ?? 0;
    let backlogDone = false;
    let closed = false;
    const queued: LogLine[] = [];
    const send = (line: LogLine) => {
      if (line.id <= lastSent || line.level < minLevel) return;
      lastSent = line.id;
      socket.send(JSON.stringify(view(line)));
    };
    const unsubscribe = deps.bus.subscribe(topics.sessionLog(id), (message) => {
      const line = message as LogLine;
      if (backlogDone) send(line);
      else queued.push(line);
    });
    socket.on('close', () => {
      closed = true;
      unsubscribe();
    });
    const backlog = async () => {
      if (query.after === undefined) {
        for (const line of await readSessionLog(deps.store.db, id, { minLevel, tail: 200 })) send(line);
        return;
      }
      for (;;) {
        const page = await readSessionLog(deps.store.db, id, { minLevel, after: lastSent, limit: backlogPage });
        for (const line of page) send(line);
        if (page.length < backlogPage || closed) return;
        await drained(socket, () => closed);
      }
    };
    backlog()
      .then(() => {
        for (const line of queued.splice(0)) send(line);
        backlogDone = true;
      })
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'live log backlog failed');
        socket.close(1011, 'backlog failed');
      });
  });
}

/** Resolves once the socket's send buffer is below the high-water mark (or it closed): a long backlog is not held in memory. */
async function drained(socket: WebSocket, isClosed: () => boolean): Promise<void> {
  while (socket.bufferedAmount > highWaterBytes && !isClosed()) await new Promise((resolve) => setTimeout(resolve, 20));
}
