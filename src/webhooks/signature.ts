import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Quorum-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The time is signed with the
 * body so a captured request cannot be replayed later than the receiver's tolerance (the scheme Stripe and Svix use,
 * which receivers already know how to check).
 */
export const signatureHeader = 'Quorum-Signature';

export function signatureOf(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header's value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, rawBody)}`;
}

/**
 * Whether `header` is a valid Quorum-Signature of `rawBody` (the bytes as received, before any JSON parsing) under
 * `secret`, made within `toleranceSeconds` of `nowMs`. Several `v1=` values are accepted (any one matching), so a
 * sender may sign with an old and a new secret while they are rotated.
 */
export function verifyWebhookSignature(rawBody: string | Buffer, header: string | undefined, secret: string, toleranceSeconds = 300, nowMs = Date.now()): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, rawBody), 'hex');
  return parts
    .filter(([name, value]) => name === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value ?? '', 'hex'), expected));
}
