import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Consent } from '../../consent/index.js';
import { tenantView } from '../../logging/tenant-view.js';
import { sessionCursor } from '../../sessions/session-store.js';
import { sessionStates } from '../../sessions/states.js';
import { principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

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
/** How many of a session's first events a windowed detail (`?events=N`) carries before its newest N. */
export const firstEvents = 5;
const detailQuery = z.object({ events: z.coerce.number().int().min(1).max(1000).optional() });
const timelineQuery = z.object({
  before: z.coerce.number().int().min(1).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
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

  app.get('/v1/sessions/:id', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const { events } = parse(detailQuery, request.query);
    const session = await deps.sessions.get(id);
    if (!session) return reply.code(404).send({ error: 'not_found', message: `session ${id} not found` });
    // `?events=N`: the first few events and the newest N (a live view's refresh), not a timeline of any length.
    const window = events === undefined ? undefined : deps.sessions.timelineWindow(id, firstEvents, events);
    const whole = window ? window.then((w) => w.events) : deps.sessions.timeline(id);
    const stored = await Promise.all([deps.sessions.attempts(id), whole, deps.artifacts.list(id)]);
    // A company token reads the timeline's details and the artifacts without stacks or server paths (the admin all).
    const [attempts, timeline, artifacts] = principalOf(request).kind === 'admin' ? stored : tenantView(stored);
    // The consent page choices that counted for this meeting occurrence (first per participant).
    const consentChoices = deps.consent ? await deps.consent.service.countedFor(session) : [];
    // The Decision that allowed the session (also inside `session`), at the top level for readers of this view.
    const decision = session.decision;
    if (!window) return { session, decision, attempts, timeline, artifacts, consentChoices };
    // The events past `timelineFirst` are the newest; when `timeline` is shorter than the total, the middle is hidden.
    const windowed = { timelineTotal: (await window).total, timelineFirst: Math.min(firstEvents, timeline.length) };
    return { session, decision, attempts, timeline, ...windowed, artifacts, consentChoices };
  });

  // The part of a timeline a windowed detail hides, a page at a time, newest first: `before` and `after` are
  // event ids (exclusive); the events of a page are in timeline order, and `nextBefore` reads the page before it.
  app.get('/v1/sessions/:id/timeline', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const query = parse(timelineQuery, request.query);
    if (!(await deps.sessions.get(id))) return reply.code(404).send({ error: 'not_found', message: `session ${id} not found` });
    const page = await deps.sessions.timelinePage(id, query);
    const events = principalOf(request).kind === 'admin' ? page.events : tenantView(page.events);
    return { events, more: page.more, nextBefore: page.more ? (page.events[0]?.id ?? null) : null };
  });

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
