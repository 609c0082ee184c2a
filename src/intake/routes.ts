import type { FastifyInstance } from 'fastify';
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

/**
 * `POST /v1/inbound/email`: a raw RFC 5322 message (message/rfc822 or text/plain) through the same path as
 * SMTP, for relays that deliver by HTTP. Registered inside the admin-token scope.
 */
export function inboundRoutes(inbound: InboundMail, maxBytes: number) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addContentTypeParser(['message/rfc822', 'text/plain'], { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));
    app.post('/v1/inbound/email', { bodyLimit: maxBytes }, async (request, reply) => {
      const params = query.safeParse(request.query);
      if (!params.success) return reply.code(400).send({ error: 'invalid_request', message: params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
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
  };
}
