import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { deleteSessionArtifacts, SessionActiveError, SessionNotFoundError } from '../../recording/deletion.js';
import { principalOf, viewFor } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const idParams = z.object({ id: z.string().min(1) });
const reasonRequired = 'a reason is required (it is written to the timeline)';
// Unlike retry and stop, the reason is required: an erasure is permanent, and the timeline is its only record.
const deleteBody = z.object({ reason: z.string({ error: reasonRequired }).trim().min(1, reasonRequired).max(1000) }).strict();

/**
 * `DELETE /v1/sessions/:id/recordings`: every artifact of an ended session (recordings, Zoom cloud files and
 * failure evidence), from disk and from the store. A company token reaches only its own sessions (the
 * `session-param` rule of src/api/auth.ts answers another company's id with 404).
 */
export function recordingRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const log = deps.logger.child({ component: 'recordings' });
  app.delete('/v1/sessions/:id/recordings', async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const { reason } = parse(deleteBody, request.body ?? {});
    try {
      const result = await deleteSessionArtifacts({ sessions: deps.sessions, artifacts: deps.artifacts, log }, id, { reason, by: await callerName(request, deps) });
      return viewFor(request)(result);
    } catch (error) {
      if (error instanceof SessionNotFoundError) return reply.code(404).send({ error: 'not_found', message: error.message });
      if (error instanceof SessionActiveError) return reply.code(409).send({ error: 'conflict', message: error.message, state: error.state });
      throw error;
    }
  });
}

/** `admin`, or the name the company gave the token (shown in the timeline as who asked). */
async function callerName(request: FastifyRequest, deps: ApiDeps): Promise<string> {
  const principal = principalOf(request);
  if (principal.kind === 'admin') return 'admin';
  const token = (await deps.tokens?.list(principal.companyId))?.find((t) => t.id === principal.tokenId);
  return token?.name ?? `token ${principal.tokenId}`;
}
