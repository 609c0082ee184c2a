import { describe, expect, it } from 'vitest';
import { endCodes } from '../../src/sessions/end-codes.js';
import { nextAttemptAt } from '../../src/sessions/retry-policy.js';
import { classifyJoin } from './classify.js';
import type { SdkState } from './sdk-page.js';

const failed: SdkState = { phase: 'failed', error: null, closed: null, hold: false, attendees: [], seen: [], privilege: 'none', privilegeError: null, withdrawnAt: null, text: '', captcha: false };

describe('Zoom OBF join while the authorizing user is not in the meeting', () => {
  it('is worth another try, not blocked_by_platform, whether the SDK names it as its code or in its reason', () => {
    expect(classifyJoin({ ...failed, error: { name: 'MEETING_FAIL_AUTHORIZED_USER_NOT_INMEETING', reason: 'The authorized user is not in the meeting.' } })).toEqual({ kind: 'authorizer_absent' });
    expect(classifyJoin({ ...failed, error: { reason: 'meeting_fail_authorized_user_not_inmeeting' } })).toEqual({ kind: 'authorizer_absent' });
  });

  it('leaves other refusals as they were', () => {
    expect(classifyJoin({ ...failed, error: { code: 3265, reason: 'Token error.' } })).toMatchObject({ kind: 'failed', endCode: 'blocked_by_platform' });
    expect(classifyJoin({ ...failed, error: { code: 3008 } })).toEqual({ kind: 'not_started' });
  });
});

describe('recording_permission_unavailable', () => {
  it('is its own code, tells the operator what to check, and is retried once', () => {
    expect(endCodes.recording_permission_unavailable.kind).toBe('recording');
    expect(endCodes.recording_permission_unavailable.message).toMatch(/Record to computer files/);
    const now = new Date('2026-01-01T10:00:00Z');
    const endsAt = new Date('2026-01-01T11:00:00Z');
    expect(nextAttemptAt({ endCode: 'recording_permission_unavailable', attempt: 1, endsAt, now, backoffSeconds: 5 })?.getTime()).toBe(now.getTime() + 5000);
    expect(nextAttemptAt({ endCode: 'recording_permission_unavailable', attempt: 2, endsAt, now, backoffSeconds: 5 })).toBeUndefined();
  });
});
