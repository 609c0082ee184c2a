import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyJoin, closedVerdict } from './classify.js';
import type { SdkState } from './sdk-page.js';
import { sdkSignature } from './signature.js';

const base: SdkState = { phase: 'joined', error: null, closed: null, hold: false, attendees: [], seen: [], privilege: 'none', privilegeError: null, withdrawnAt: null, text: '', captcha: false };

describe('Zoom Meeting SDK signature', () => {
  it('is an HS256 JWT over the app key and meeting number, valid for two hours', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    const jwt = sdkSignature('key-1', 'secret-1', '81234567890', now);
    const [header, payload, mac] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, number | string>;
    expect(claims).toMatchObject({ appKey: 'key-1', sdkKey: 'key-1', mn: '81234567890', role: 0 });
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(7200);
    expect(Number(claims['iat'])).toBeLessThanOrEqual(now / 1000);
    expect(mac).toBe(createHmac('sha256', 'secret-1').update(`${header}.${payload}`).digest('base64url'));
  });
});

describe('classifyJoin', () => {
  it.each([
    [{ text: "we detected you may be a bot. automated bots aren't allowed to join" }, 'blocked_by_bot_wall'],
    // The live copy's typographic apostrophe, without the sentence that carries none.
    [{ text: 'automated bots aren\u2019t allowed to join this meeting' }, 'blocked_by_bot_wall'],
    [{ captcha: true }, 'blocked_by_captcha'],
    [{ phase: 'failed', error: { code: 3004, reason: 'Wrong meeting password.' } }, 'password_incorrect'],
    [{ phase: 'failed', error: { code: 3001 } }, 'meeting_not_found'],
    [{ phase: 'failed', error: { code: 3265, reason: 'Token error.' } }, 'blocked_by_platform'],
    [{ phase: 'failed', error: { reason: 'sdk_unavailable' } }, 'ui_changed'],
    [{ closed: 'removed from waiting room by host' }, 'admission_denied'],
  ] as const)('%o → %s', (patch, endCode) => {
    expect(classifyJoin({ ...base, ...patch } as SdkState)).toMatchObject({ kind: 'failed', endCode });
  });

  it('tells the waiting room, a meeting not started and admission apart', () => {
    expect(classifyJoin({ ...base, hold: true })).toEqual({ kind: 'waiting_room' });
    expect(classifyJoin({ ...base, phase: 'failed', error: { code: 3008 } })).toEqual({ kind: 'not_started' });
    expect(classifyJoin({ ...base, phase: 'joining' })).toEqual({ kind: 'pending' });
    expect(classifyJoin(base)).toEqual({ kind: 'admitted' });
  });

  it('reads removal and the end from the Closed reason', () => {
    expect(closedVerdict('kicked by host', 'meeting').endCode).toBe('kicked');
    expect(closedVerdict('ended by host', 'meeting').endCode).toBe('meeting_ended');
  });
});
