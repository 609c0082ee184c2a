import { basename } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Consent } from '../../consent/index.js';
import { tenantText } from '../../logging/tenant-view.js';
import { isEndCode } from '../../sessions/end-codes.js';
import { sessionCursor } from '../../sessions/session-store.js';
import { sessionStates } from '../../sessions/states.js';
import { principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';
import { openArtifactFile } from './artifact-file.js';
import { sessionDetailRoutes } from './session-detail.js';

/**
 * A cursor as `sessionCursor` writes it, `<created_at ISO time>|<session id>`, split where the store splits it. A
 * wrong one is refused rather than ignored: ignored, it silently served the first page again.
 */
const isSessionCursor = (cursor: string): boolean => {
  const at = cursor.lastIndexOf('|');
  return at > 0 && at < cursor.length - 1 && z.iso.datetime().safeParse(cursor.slice(0, at)).success;
};

const listQuery = z.object({
  state: z.enum(sessionStates as [string, ...string[]]).optional(),
  provider: z.string().optional(),
  companyId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().optional(),
  // An unknown code matched no session and answered an empty list, as if none had ended that way.
  endCode: z
    .string()
    .refine(isEndCode, { error: (issue) => `${JSON.stringify(issue.input)} is not an end code (they are listed in docs/end-codes.md)` })
    .optional(),
  // Stored times are UTC ISO strings compared as text, so any offset is normalized to Z first.
  from: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional(),
  to: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional(),
  q: z.string().max(200).optional(),
  cursor: z
    .string()
    .max(200)
    .refine(isSessionCursor, { error: (issue) => `${JSON.stringify(issue.input)} is not a cursor of this list: pass the nextCursor of the previous page unchanged` })
    .optional(),
});
const actionBody = z.object({ reason: z.string().max(1000).optional() }).strict().optional();
const idParams = z.object({ id: z.string().min(1) });
const artifactHeaders = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'private, no-store',
};

/**
 * A listed artifact whose file this process cannot find: workers on separate disks keep their recordings on
 * theirs (README, scale-out). The admin reads the path; a company token only the file's name (tenant-view.ts).
 */
function missingFileMessage(request: FastifyRequest, path: string): string {
  if (principalOf(request).kind !== 'admin') return `the file is not on this server's disk: ${tenantText(path)}`;
  return `the file is not on this server's disk: ${path} (every Quorum process must share QUORUM_DATA_DIR: see the README's scale-out section)`;
}

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
    const file = await openArtifactFile(artifact.path, request.headers.range, request.method === 'HEAD');
    if (file.status === 404) return reply.code(404).send({ error: 'not_found', message: missingFileMessage(request, artifact.path) });
    // Zoom cloud files (video, transcript, chat, other, and M4A audio) keep Zoom's formats.
    const zoomAudio = artifact.path.endsWith('.m4a') ? 'audio/mp4' : 'audio/webm';
    const type = { audio: zoomAudio, screenshot: 'image/png', html: 'text/plain; charset=utf-8', video: 'video/mp4', transcript: 'text/vtt; charset=utf-8', chat: 'text/plain; charset=utf-8', other: 'application/octet-stream' }[artifact.kind];
    // Served from the console's origin with the token in the URL: the browser must never run a file as a page
    // (a saved provider page, a tenant's Zoom upload), so no sniffing and a sandbox with nothing allowed.
    const headers = { ...artifactHeaders, 'accept-ranges': 'bytes' };
    if (file.status === 416) {
      const message = `the range ${request.headers.range ?? ''} is outside the file's ${file.size} bytes`;
      return reply.code(416).headers({ ...headers, 'content-range': `bytes */${file.size}` }).send({ error: 'range_not_satisfiable', message });
    }
    const range = file.status === 206 ? { 'content-range': `bytes ${file.range.start}-${file.range.end}/${file.size}` } : {};
    const name = basename(artifact.path).replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .code(file.status)
      .type(type ?? 'application/octet-stream')
      .headers({ ...headers, ...range, 'content-length': String(file.length), 'content-disposition': `inline; filename="${name}"` })
      .send(file.body);
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
