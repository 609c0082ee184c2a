import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookEndpoint } from './endpoint-settings.js';
import type { WebhookEvent } from './events.js';
import { signatureHeader, signWebhook } from './signature.js';
import { checkedLookup, InternalTargetError, isInternalAddress } from './target-check.js';

export type DeliveryResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export interface DeliveryOptions {
  timeoutMs: number;
  closing: AbortSignal;
  /** The operator's QUORUM_WEBHOOK_INTERNAL_TARGETS: endpoints may be on loopback or private addresses. */
  internalTargets: boolean;
}

/**
 * POSTs one event to an endpoint, signed. A 2xx answer is a delivery; anything else, a redirect included, is a
 * failure to try again later. Redirects are not followed: the signed request would go somewhere the company never
 * set up. What the endpoint answers beyond its status is neither read nor kept.
 */
export async function deliver(endpoint: Pick<WebhookEndpoint, 'url' | 'secret'>, event: WebhookEvent, options: DeliveryOptions): Promise<DeliveryResult> {
  const body = JSON.stringify(event);
  const url = new URL(endpoint.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An address written in the URL is never looked up, so it is checked here; a name is checked by the lookup.
  if (!options.internalTargets && isIP(host) !== 0 && isInternalAddress(host)) {
    return { ok: false, status: null, error: new InternalTargetError(`${host} is an internal address; the operator allows these with QUORUM_WEBHOOK_INTERNAL_TARGETS=true`).message };
  }
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'Quorum-Webhooks/1',
    [signatureHeader]: signWebhook(endpoint.secret, Math.floor(Date.now() / 1000), body),
    'Quorum-Event-Id': event.id,
    'Quorum-Event-Type': event.type,
  };
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: 'POST', headers, signal: AbortSignal.any([timeout, options.closing]), ...(options.internalTargets ? {} : { lookup: checkedLookup(host) }) }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    response.resume();
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return { ok: true, status };
    if (status >= 300 && status < 400) return { ok: false, status, error: `HTTP ${status}: redirects are not followed; set the final URL` };
    return { ok: false, status, error: `HTTP ${status}` };
  } catch (error) {
    if (timeout.aborted) return { ok: false, status: null, error: `no answer within ${options.timeoutMs / 1000} s` };
    return { ok: false, status: null, error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof InternalTargetError) return error.message;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
