import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CompanyStore } from '../companies/company-store.js';
import type { ZoomCloud } from './cloud-service.js';
import { zoomSettingsOf } from './company-zoom.js';
import { deliveryKey, webhookEnvelopeSchema } from './events.js';
import { urlValidationAnswer, verifyZoomSignature } from './signature.js';

export interface ZoomWebhookOptions {
  companies: Pick<CompanyStore, 'get'>;
  cloud: ZoomCloud;
  windowSeconds: number;
  maxBytes?: number;
}

export const zoomWebhookPath = '/v1/webhooks/zoom/:companyId';

/**
 * `POST /v1/webhooks/zoom/:companyId`, registered outside the bearer-token scope: Zoom cannot send our token,
 * so the company's webhook secret is the credential. The body is read raw (the signature covers its exact
 * bytes), the signature is compared in constant time, stale timestamps and replayed signatures are refused,
 * and the answer goes out before any processing: Zoom allows 3 s and retries otherwise.
 */
export async function registerZoomWebhook(app: FastifyInstance, options: ZoomWebhookOptions): Promise<void> {
  await app.register(async (scope) => {
    // Scoped to this plugin: the rest of the API keeps Fastify's JSON parser.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBytes ?? 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post<{ Params: { companyId: string } }>(zoomWebhookPath, async (request, reply) => {
      const zoom = await zoomSettingsOf(options.companies, request.params.companyId);
      const secret = zoom?.webhookSecretToken;
      // One answer for an unknown company and a company without Zoom webhooks: neither is confirmed to exist.
      if (!secret) return reply.code(404).send({ error: 'not_found', message: 'no Zoom webhook is configured here' });
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = header(request.headers['x-zm-signature']);
      const now = new Date();
      const verdict = verifyZoomSignature({ secret, signature, timestamp: header(request.headers['x-zm-request-timestamp']), rawBody, now, windowSeconds: options.windowSeconds });
      if (verdict !== 'ok') return refuse(reply, 401, `signature ${verdict}`);
      const envelope = parseEnvelope(rawBody);
      if (!envelope) return refuse(reply, 400, 'the body is not a Zoom event');
      if (envelope.event === 'endpoint.url_validation') {
        const plainToken = envelope.payload.plainToken;
        if (!plainToken) return refuse(reply, 400, 'url_validation without plainToken');
        return reply.code(200).send(urlValidationAnswer(secret, plainToken));
      }
      if (!(await options.cloud.deliveries.rememberSignature(signature ?? '', now))) return refuse(reply, 409, 'replayed request');
      const companyId = request.params.companyId;
      const key = deliveryKey(companyId, envelope);
      const accepted = await options.cloud.deliveries.accept({ key, companyId, event: envelope.event, body: rawBody.toString('utf8'), now });
      if (accepted === 'new') options.cloud.enqueue(key);
      void options.cloud.deliveries.forgetSignaturesBefore(new Date(now.getTime() - 2 * options.windowSeconds * 1000)).catch(() => undefined);
      return reply.code(200).send({ received: true, duplicate: accepted === 'duplicate' });
    });
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseEnvelope(raw: Buffer): ReturnType<typeof webhookEnvelopeSchema.parse> | undefined {
  try {
    const parsed = webhookEnvelopeSchema.safeParse(JSON.parse(raw.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function refuse(reply: FastifyReply, status: 400 | 401 | 409, message: string): FastifyReply {
  return reply.code(status).send({ error: status === 401 ? 'unauthorized' : status === 409 ? 'conflict' : 'invalid_request', message });
}
