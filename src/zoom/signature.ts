import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Zoom's webhook signature (reference/providers.md §2.2): `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * keyed by the app's secret token. Computed over the raw bytes as received: re-serializing parsed JSON (as
 * @zoom/rivet's receiver does) changes the bytes and breaks on any non-canonical body.
 */
export function zoomSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest('hex')}`;
}

export type SignatureVerdict = 'ok' | 'missing' | 'stale' | 'forged';

export interface SignedRequest {
  secret: string;
  signature: string | undefined;
  /** `x-zm-request-timestamp`: seconds since the epoch, as Zoom sends it (milliseconds are accepted too). */
  timestamp: string | undefined;
  rawBody: Buffer;
  now: Date;
  windowSeconds: number;
}

export function verifyZoomSignature(request: SignedRequest): SignatureVerdict {
  const { signature, timestamp } = request;
  if (!signature || !timestamp || !/^\d{1,16}$/.test(timestamp)) return 'missing';
  const expected = Buffer.from(zoomSignature(request.secret, timestamp, request.rawBody));
  const presented = Buffer.from(signature);
  // Length first: timingSafeEqual throws on unequal lengths, and the length of a hex HMAC is no secret.
  const matches = presented.length === expected.length && timingSafeEqual(presented, expected);
  if (!matches) return 'forged';
  const raw = Number(timestamp);
  const sentMs = raw > 1e12 ? raw : raw * 1000;
  // Checked after the signature, so a forged request learns nothing about the window.
  return Math.abs(request.now.getTime() - sentMs) > request.windowSeconds * 1000 ? 'stale' : 'ok';
}

/** The answer to `endpoint.url_validation`: Zoom checks that we hold the secret token. */
export function urlValidationAnswer(secret: string, plainToken: string): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') };
}
