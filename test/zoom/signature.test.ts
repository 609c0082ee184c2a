import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryKey, meetingIdForPath, webhookEnvelopeSchema } from '../../src/zoom/events.js';
import { urlValidationAnswer, verifyZoomSignature, zoomSignature } from '../../src/zoom/signature.js';

const secret = 'sig-test-secret';
const now = new Date('2026-12-01T10:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));
// Whitespace and key order as sent: re-serializing parsed JSON would change these bytes.
const raw = Buffer.from('{"event":"recording.completed",  "payload":{"object":{"id":85012345678,"uuid":"a/b=="}}}');
const verify = (overrides: Partial<Parameters<typeof verifyZoomSignature>[0]>) =>
  verifyZoomSignature({ secret, signature: zoomSignature(secret, ts, raw), timestamp: ts, rawBody: raw, now, windowSeconds: 300, ...overrides });

describe('Zoom webhook signature', () => {
  it('accepts the signature of the raw bytes, and nothing else', () => {
    expect(verify({})).toBe('ok');
    expect(verify({ rawBody: Buffer.from(JSON.stringify(JSON.parse(raw.toString()))) })).toBe('forged');
    expect(verify({ signature: zoomSignature('other', ts, raw) })).toBe('forged');
    expect(verify({ signature: 'v0=short' })).toBe('forged');
    expect(verify({ signature: undefined })).toBe('missing');
    expect(verify({ timestamp: 'yesterday' })).toBe('missing');
  });

  it('refuses timestamps outside the window, either way', () => {
    const at = (seconds: number) => String(Math.floor(now.getTime() / 1000) + seconds);
    expect(verify({ timestamp: at(-301), signature: zoomSignature(secret, at(-301), raw) })).toBe('stale');
    expect(verify({ timestamp: at(301), signature: zoomSignature(secret, at(301), raw) })).toBe('stale');
    expect(verify({ timestamp: at(-299), signature: zoomSignature(secret, at(-299), raw) })).toBe('ok');
  });

  it('answers url_validation with the HMAC of the plain token', () => {
    const expected = createHmac('sha256', secret).update('plain').digest('hex');
    expect(urlValidationAnswer(secret, 'plain')).toEqual({ plainToken: 'plain', encryptedToken: expected });
    expect(urlValidationAnswer('other', 'plain').encryptedToken).not.toBe(expected);
  });
});

describe('Zoom delivery keys and meeting ids', () => {
  const envelope = (ts: number, files: string[]) =>
    webhookEnvelopeSchema.parse({ event: 'recording.completed', event_ts: ts, payload: { object: { uuid: 'u1', recording_files: files.map((id) => ({ id })) } } });

  it('a retried delivery has the key of the first; other files or another company do not', () => {
    expect(deliveryKey('acme', envelope(1, ['f1', 'f2']))).toBe(deliveryKey('acme', envelope(2, ['f2', 'f1'])));
    expect(deliveryKey('acme', envelope(1, ['f1']))).not.toBe(deliveryKey('acme', envelope(1, ['f1', 'f2'])));
    expect(deliveryKey('acme', envelope(1, ['f1']))).not.toBe(deliveryKey('other', envelope(1, ['f1'])));
  });

  it('double-encodes UUIDs that start with / or hold //, and encodes others once', () => {
    expect(meetingIdForPath('85012345678')).toBe('85012345678');
    expect(meetingIdForPath('abc+d==')).toBe('abc%2Bd%3D%3D');
    expect(meetingIdForPath('/abc==')).toBe('%252Fabc%253D%253D');
    expect(meetingIdForPath('ab//c')).toBe('ab%252F%252Fc');
  });
});
