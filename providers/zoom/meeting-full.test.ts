import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from '../../src/sessions/retry-policy.js';
import { classifyJoin } from './classify.js';
import type { SdkState } from './sdk-page.js';

const base: SdkState = { phase: 'failed', error: null, closed: null, hold: false, attendees: [], seen: [], privilege: 'none', privilegeError: null, withdrawnAt: null, text: '', captcha: false };

describe('Zoom Meeting SDK join of a full meeting', () => {
  it('reads error 4005 (MEETING_CAPACITY_REACHED) as meeting_full', () => {
    expect(classifyJoin({ ...base, error: { code: 4005, reason: 'Meeting is full.' } })).toEqual({
      kind: 'failed',
      endCode: 'meeting_full',
      reason: 'Meeting is full. (4005)',
    });
  });

  it('is not retried automatically (docs/end-codes.md)', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    expect(nextAttemptAt({ endCode: 'meeting_full', attempt: 1, endsAt: new Date('2026-01-01T11:00:00Z'), now, backoffSeconds: 0 })).toBeUndefined();
  });
});
