import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../src/webhooks/index.js';
import { backoffMs, defaultWebhookTimings } from '../../src/webhooks/timings.js';

const secret = 'whsec_0123456789abcdef';
const body = '{"id":"evt_1_state_changed","type":"session.state_changed"}';
const now = Date.parse('2030-01-01T00:00:00Z');
const t = now / 1000;

describe('Quorum-Signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">, as a receiver would compute it by hand', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies the raw body under the secret within the tolerance, and nothing else', () => {
    const header = signWebhook(secret, t, body);
    expect(verifyWebhookSignature(body, header, secret, 300, now)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, 300, now + 299_000)).toBe(true);
    expect(verifyWebhookSignature(body, header, secret, 300, now + 301_000)).toBe(false);
    expect(verifyWebhookSignature(body.replace('1', '2'), header, secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(JSON.stringify(JSON.parse(body), null, 1), header, secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, header, 'another secret, 16+', 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, undefined, secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, `t=${t}`, secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, `v1=${header.split('v1=')[1]}`, secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, `t=${t},v1=zz`, secret, 300, now)).toBe(false);
  });

  it('accepts any one of several v1 values (a secret being rotated)', () => {
    const old = signWebhook('the old secret, 16+', t, body).split(',')[1];
    expect(verifyWebhookSignature(body, `t=${t},${old},${signWebhook(secret, t, body).split(',')[1]}`, secret, 300, now)).toBe(true);
  });
});

describe('retry backoff', () => {
  it('doubles from 2 s up to 5 minutes', () => {
    expect([1, 2, 3, 4, 8, 9, 50].map((failures) => backoffMs(failures, defaultWebhookTimings))).toEqual([2_000, 4_000, 8_000, 16_000, 256_000, 300_000, 300_000]);
  });
});
