import { describe, expect, it } from 'vitest';
import { lateDetails, latenessOf } from '../../src/scheduler/lateness.js';
import type { Session } from '../../src/sessions/session.js';

const at = (iso: string) => Date.parse(iso);
const session = (plan: Session['plan'], joinAt: string, endsAt: string) => ({ plan, joinAt, endsAt }) as Session;

describe('how late a join starts', () => {
  it('is too late only when the meeting ended while a join due during it waited', () => {
    const bot = session('bot', '2026-11-29T10:00:00.000Z', '2026-11-29T11:00:00.000Z');
    expect(latenessOf(bot, at('2026-11-29T09:59:00.000Z'))).toEqual({ lateMs: 0, tooLate: false });
    expect(latenessOf(bot, at('2026-11-29T10:10:00.000Z'))).toEqual({ lateMs: 600_000, tooLate: false });
    expect(latenessOf(bot, at('2026-11-29T11:00:00.000Z'))).toEqual({ lateMs: 3_600_000, tooLate: true });
    // Asked for after the meeting (an operator's retry): the join-time check's meeting_over says it, not this.
    expect(latenessOf(session('bot', '2026-11-29T11:30:00.000Z', '2026-11-29T11:00:00.000Z'), at('2026-11-29T11:31:00.000Z')).tooLate).toBe(false);
    // A Zoom cloud fetch waits for the meeting's end by design.
    expect(latenessOf(session('zoom_cloud', '2026-11-29T10:00:00.000Z', '2026-11-29T11:00:00.000Z'), at('2026-11-29T12:00:00.000Z')).tooLate).toBe(false);
  });

  it('puts a lateness of five seconds or more on the timeline, rounded', () => {
    expect(lateDetails({ lateMs: 4_999, tooLate: false })).toEqual({});
    expect(lateDetails({ lateMs: 95_400, tooLate: false })).toEqual({ lateSeconds: 95 });
  });
});
