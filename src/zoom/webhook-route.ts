import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CompanyStore } from '../companies/company-store.js';
import type { ZoomCloud } from './cloud-service.js';
import { webhookCompanies, zoomSettingsOf } from './company-zoom.js';
import { deliveryKey, webhookEnvelopeSchema, type WebhookEnvelope } from './events.js';
import { urlValidationAnswer, verifyZoomSignature, type SignedRequest } from './signature.js';
import { sharedSignerOf } from './webhook-signer.js';

export interface ZoomWebhookOptions {
  companies: Pick<CompanyStore, 'get' | 'list'>;
  cloud: ZoomCloud;
  windowSeconds: number;
  maxBytes?: number;
}

export const zoomWebhookPath = '/v1/webhooks/zoom/:companyId';
/** The one URL for every company (DESIGN.md §6): the company is found from the event and its signature. */
export const zoomSharedWebhookPath = '/v1/webhooks/zoom';

type Signed = Omit<SignedRequest, 'secret'>;

/**
 * `POST /v1/webhooks/zoom/:companyId` and `POST /v1/webhooks/zoom`, registered outside the bearer-token scope:
 * Zoom cannot send our token, so the company's webhook secret is the credential. The body is read raw (the
 * signature covers its exact bytes), the signature is compared in constant time, stale timestamps and replayed
 * signatures are refused, and the answer goes out before any processing: Zoom allows 3 s and retries otherwise.
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
      const signed = signedRequest(request, options.windowSeconds);
      const verdict = verifyZoomSignature({ ...signed, secret });
      if (verdict !== 'ok') return refuse(reply, 401, `signature ${verdict}`);
      const envelope = parseEnvelope(signed.rawBody);
      if (!envelope) return refuse(reply, 400, 'the body is not a Zoom event');
      return deliver(reply, options, { companyId: request.params.companyId, secret }, envelope, signed);
    });
    scope.post(zoomSharedWebhookPath, async (request, reply) => {
      const configured = await webhookCompanies(options.companies);
      if (configured.length === 0) return reply.code(404).send({ error: 'not_found', message: 'no Zoom webhook is configured here' });
      const signed = signedRequest(request, options.windowSeconds);
      // Parsed before the signature is checked: the event's account names whose secret to check it with.
      const envelope = parseEnvelope(signed.rawBody);
      if (!envelope) return refuse(reply, 400, 'the body is not a Zoom event');
      const signer = sharedSignerOf(configured, envelope, signed);
      if ('status' in signer) return signer.status === 404 ? reply.code(404).send({ error: 'not_found', message: signer.message }) : refuse(reply, signer.status, signer.message);
      return deliver(reply, options, signer, envelope, signed);
    });
  });
}

/**
 * What both URLs do with a verified request: answer url_validation with the signer's secret, or store the event
 * under a key of its content (a Zoom retry, or the same event sent to both URLs, is one delivery) and queue it.
 */
async function deliver(reply: FastifyReply, options: ZoomWebhookOptions, signer: { companyId: string; secret: string }, envelope: WebhookEnvelope, signed: Signed): Promise<FastifyReply> {
  if (envelope.event === 'endpoint.url_validation') {
    const plainToken = envelope.payload.plainToken;
    if (!plainToken) return refuse(reply, 400, 'url_validation without plainToken');
    return reply.code(200).send(urlValidationAnswer(signer.secret, plainToken));
  }
  const { now } = signed;
  if (!(await options.cloud.deliveries.rememberSignature(signed.signature ?? '', now))) return refuse(reply, 409, 'replayed request');
  const key = deliveryKey(signer.companyId, envelope);
  const accepted = await options.cloud.deliveries.accept({ key, companyId: signer.companyId, event: envelope.event, body: signed.rawBody.toString('utf8'), now });
  if (accepted === 'new') options.cloud.enqueue(key);
  void options.cloud.deliveries.forgetSignaturesBefore(new Date(now.getTime() - 2 * options.windowSeconds * 1000)).catch(() => undefined);
  return reply.code(200).send({ received: true, duplicate: accepted === 'duplicate' });
}

function signedRequest(request: FastifyRequest, windowSeconds: number): Signed {
  return {
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    signature: header(request.headers['x-zm-signature']),
    timestamp: header(request.headers['x-zm-request-timestamp']),
    now: new Date(),
    windowSeconds,
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseEnvelope(raw: Buffer): WebhookEnvelope | undefined {
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
