import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Bearer token from the Authorization header, or `?token=` for browsers opening a WebSocket. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

export function requireAdmin(adminToken: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!tokenMatches(presentedToken(request), adminToken)) {
      await reply.code(401).send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
  };
}
