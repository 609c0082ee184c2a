import type { WebhookCompany } from './company-zoom.js';
import type { WebhookEnvelope } from './events.js';
import { verifyZoomSignature, type SignatureVerdict, type SignedRequest } from './signature.js';

/** The company whose secret signed a request to the shared URL, or why none can be named (the answer to send). */
export type SharedSigner = { companyId: string; secret: string } | { status: 400 | 401 | 404 | 409; message: string };

/** Zoom's url_validation body is about a hundred bytes; a bigger one is not Zoom's, and each candidate costs an HMAC. */
const validationMaxBytes = 4096;
const perCompanyUrl = 'point the Zoom app at the company\'s own URL, /v1/webhooks/zoom/<companyId>';

/**
 * Finds the company a request to `POST /v1/webhooks/zoom` is for. An event names its Zoom account
 * (`payload.account_id`), so the candidates are the companies whose `providers.zoom.accountId` it is; Zoom's
 * `endpoint.url_validation` names no account, so every company with a webhook secret is a candidate. Either way the
 * request's own signature decides: it is an HMAC keyed by the secret of the Zoom app that sent it, so exactly one
 * candidate's secret verifies it. Several (companies sharing one secret) cannot be told apart and are refused with
 * 409 rather than guessed: answering url_validation proves a secret, and an event must reach one company only.
 */
export function sharedSignerOf(configured: readonly WebhookCompany[], envelope: WebhookEnvelope, request: Omit<SignedRequest, 'secret'>): SharedSigner {
  const validation = envelope.event === 'endpoint.url_validation';
  if (validation && request.rawBody.length > validationMaxBytes) return { status: 400, message: 'a url_validation body this large is not Zoom\'s' };
  let candidates: readonly WebhookCompany[] = configured;
  if (!validation) {
    const accountId = envelope.payload['account_id'];
    if (typeof accountId !== 'string' || accountId === '') {
      return { status: 400, message: `the event carries no payload.account_id, so its company cannot be found; ${perCompanyUrl}` };
    }
    candidates = configured.filter((company) => company.accountId === accountId);
    if (candidates.length === 0) {
      return { status: 404, message: `no company here has this Zoom account (payload.account_id) in providers.zoom.accountId with a webhookSecretToken; set both, or ${perCompanyUrl}` };
    }
  }
  const verdicts = candidates.map((company) => ({ company, verdict: verifyZoomSignature({ ...request, secret: company.secret }) }));
  const signers = verdicts.filter((entry) => entry.verdict === 'ok');
  const [signer] = signers;
  if (signer && signers.length === 1) return { companyId: signer.company.companyId, secret: signer.company.secret };
  if (signers.length > 1) {
    return { status: 409, message: `${signers.length} companies hold this webhook secret${validation ? '' : ' for this Zoom account'}, so Quorum cannot tell which one the request is for; ${perCompanyUrl}` };
  }
  return { status: 401, message: `signature ${worstVerdict(verdicts.map((entry) => entry.verdict))}` };
}

/** `stale` means a secret matched but the timestamp is out of the window: the more useful thing to say. */
function worstVerdict(verdicts: readonly SignatureVerdict[]): SignatureVerdict {
  if (verdicts.includes('stale')) return 'stale';
  return verdicts.includes('missing') ? 'missing' : 'forged';
}
