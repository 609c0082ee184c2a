import { createHmac } from 'node:crypto';

/** Zoom's limits on a Meeting SDK signature: at least 30 minutes, at most 48 hours. */
const lifetimeSeconds = 2 * 60 * 60;

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * The Meeting SDK signature (a JWT, HS256, signed with the app's SDK secret) for joining `meetingNumber` as a
 * participant (role 0). Made server-side: the secret never reaches the bot page.
 */
export function sdkSignature(sdkKey: string, sdkSecret: string, meetingNumber: string, now = Date.now()): string {
  const iat = Math.floor(now / 1000) - 30; // Zoom refuses an iat in its future; allow for clock skew.
  const exp = iat + lifetimeSeconds;
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ appKey: sdkKey, sdkKey, mn: meetingNumber, role: 0, iat, exp, tokenExp: exp }));
  const mac = createHmac('sha256', sdkSecret).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${base64url(mac)}`;
}
