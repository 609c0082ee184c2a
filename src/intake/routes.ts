import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { InboundMail } from './inbound.js';

const query = z.object({
  /** The assistant address it was sent to, when the headers do not name it (e.g. a Bcc). */
  to: z.email().optional(),
  mailFrom: z.email().optional(),
  /** The sending server's address and HELO as the relay saw them; otherwise the Received header is trusted. */
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  helo: z.string().min(1).max(255).optional(),
});

const statusCode = { processed: 200, rejected: 422, failed: 500 } as const;

const listQuery = z.object({
  status: z.enum(['received', 'processed', 'rejected', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The last message of the previous page: `receivedAt|id`. */
  cursor: z.string().regex(/^[^|]+\|[^|]+$/, 'receivedAt|id').optional(),
});

const idParams = z.object({ id: z.string().min(1).max(100) });

function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: 'invalid_request', message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
}

const notFound = { error: 'not_found', message: 'no such inbound message' };

/**
 * `POST /v1/inbound/email`: a raw RFC 5322 message (message/rfc822 or text/plain) through the same path as
 * SMTP, for relays that deliver by HTTP; and the stored messages (`/v1/inbound/messages`). Registered inside the
 * token scope; a company token is refused (auth.ts: admin only).
 */
export function inboundRoutes(inbound: InboundMail, maxBytes: number) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addContentTypeParser(['message/rfc822', 'text/plain'], { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));
    app.post('/v1/inbound/email', { bodyLimit: maxBytes }, async (request, reply) => {
      const params = query.safeParse(request.query);
      if (!params.success) return invalid(reply, params.error);
      if (!Buffer.isBuffer(request.body)) {
        return reply.code(415).send({ error: 'invalid_request', message: 'send the raw message as message/rfc822 or text/plain' });
      }
      const { to, mailFrom, ip, helo } = params.data;
      const result = await inbound.receive({
        transport: 'http',
        raw: request.body,
        envelope: { recipients: to ? [to.toLowerCase()] : [], ...(mailFrom ? { mailFrom } : {}), ...(ip ? { remoteIp: ip } : {}), ...(helo ? { helo } : {}) },
      });
      return reply.code(statusCode[result.status]).send(result);
    });
    messageRoutes(app, inbound);
    // Each message as it ends (`{id, status}`), for the console's Invites view; admin only, like the rest.
    app.get('/v1/inbound/live', { websocket: true }, (socket) => {
      const unfollow = inbound.follow((news) => socket.send(JSON.stringify(news)));
      socket.on('close', unfollow);
    });
  };
}

/** What arrived and how it ended, each message's raw mail, and running one through the path again. */
function messageRoutes(app: FastifyInstance, inbound: InboundMail): void {
  app.get('/v1/inbound/messages', async (request, reply) => {
    const params = listQuery.safeParse(request.query);
    if (!params.success) return invalid(reply, params.error);
    const { status, limit, cursor } = params.data;
    const [receivedAt, id] = cursor?.split('|') ?? [];
    const messages = await inbound.messages(limit, { ...(status ? { status } : {}), ...(receivedAt && id ? { before: { receivedAt, id } } : {}) });
    const last = messages.length === limit ? messages.at(-1) : undefined;
    return { messages, ...(last ? { nextCursor: `${last.receivedAt}|${last.id}` } : {}) };
  });
  app.get('/v1/inbound/messages/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const message = await inbound.message(params.data.id);
    if (!message) return reply.code(404).send(notFound);
    const { raw: _raw, ...rest } = message;
    return rest;
  });
  app.get('/v1/inbound/messages/:id/raw', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const message = await inbound.message(params.data.id);
    if (!message) return reply.code(404).send(notFound);
    return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${message.id}.eml"`).send(message.raw);
  });
  app.post('/v1/inbound/messages/:id/reprocess', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const result = await inbound.reprocess(params.data.id);
    if (!result) return reply.code(404).send(notFound);
    return reply.code(statusCode[result.status]).send(result);
  });
}
