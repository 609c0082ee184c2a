import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Consent } from '../../consent/index.js';
import { sessionCursor } from '../../sessions/session-store.js';
import { sessionStates } from '../../sessions/states.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';
import { sessionDetailRoutes } from './session-detail.js';

const listQuery = z.object({
  state: z.enum(sessionStates as [string, ...string[]]).optional(),
  provider: z.string().optional(),
  companyId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().optional(),
  endCode: z.string().optional(),
  // Stored times are UTC ISO strings compared as text, so any offset is normalized to Z first.
  from: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional(),
  to: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional(),
  q: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
});
const actionBody = z.object({ reason: z.string().max(1000).optional() }).strict().optional();
const idParams = z.object({ id: z.string().min(1) });
const artifactHeaders = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'private, no-store',
};

export function sessionRoutes(app: FastifyInstance, deps: ApiDeps & { consent?: Consent }): void {
  app.get('/v1/sessions', async (request) => {
    const query = parse(listQuery, request.query);
    const filter = { ...query, state: query.state as (typeof sessionStates)[number] | undefined };
    const sessions = await deps.sessions.list(filter);
    // Keyset paging: the cursor of the last row when the page is full (the console's "older" link).
    const last = sessions.length === query.limit ? sessions.at(-1) : undefined;
    const counts = await deps.sessions.countByState(query.companyId ? { companyId: query.companyId } : {});
    return { sessions, counts, nextCursor: last ? sessionCursor(last) : null };
  });

  // The detail and the pages of its long lists (timeline, attempts, consent choices).
  sessionDetailRoutes(app, deps);

  app.get('/v1/sessions/:id/artifacts/:artifactId', async (request, reply) => {
    const { id, artifactId } = parse(z.object({ id: z.string(), artifactId: z.string() }), request.params);
    const artifact = (await deps.artifacts.list(id)).find((a) => a.id === artifactId);
    if (!artifact) return reply.code(404).send({ error: 'not_found', message: `artifact ${artifactId} not found` });
    // Zoom cloud files (video, transcript, chat, other, and M4A audio) keep Zoom's formats.
    const zoomAudio = artifact.path.endsWith('.m4a') ? 'audio/mp4' : 'audio/webm';
    const type = { audio: zoomAudio, screenshot: 'image/png', html: 'text/plain; charset=utf-8', video: 'video/mp4', transcript: 'text/vtt; charset=utf-8', chat: 'text/plain; charset=utf-8', other: 'application/octet-stream' }[artifact.kind];
    // Served from the console's origin with the token in the URL: the browser must never run a file as a page
    // (a saved provider page, a tenant's Zoom upload), so no sniffing and a sandbox with nothing allowed.
    const name = basename(artifact.path).replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .type(type ?? 'application/octet-stream')
      .headers(artifactHeaders)
      .header('content-disposition', `inline; filename="${name}"`)
      .send(createReadStream(artifact.path));
  });

  app.post('/v1/sessions/:id/retry', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const body = parse(actionBody, request.body);
    const session = await deps.scheduler.retry(id, body?.reason ?? 'operator retry');
    return reply.code(202).send({ session });
  });

  app.post('/v1/sessions/:id/stop', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const body = parse(actionBody, request.body);
    const session = await deps.scheduler.stop(id, body?.reason ?? 'operator stop');
    return reply.code(202).send({ session });
  });
}
