import { describe, expect, it } from 'vitest';
import { settledPrefix, type FeedEvent } from '../../src/webhooks/timeline-feed.js';

const now = Date.parse('2030-01-01T00:00:30Z');
const event = (id: number, secondsAgo: number): FeedEvent => ({ id, sessionId: 's', companyId: 'acme', attempt: 1, at: new Date(now - secondsAgo * 1000).toISOString(), from: null, to: 'scheduled', code: 'created', details: null });

describe('reading the timeline past a cursor', () => {
  it('takes events whose ids follow on without a gap', () => {
    expect(settledPrefix([event(11, 0), event(12, 0)], 10, now, 15_000)).toEqual({ events: [event(11, 0), event(12, 0)] });
  });

  it('stops before a gap whose next event is young: an earlier insert may still commit (PostgreSQL, several writers)', () => {
    expect(settledPrefix([event(11, 1), event(13, 1), event(14, 0)], 10, now, 15_000)).toEqual({ events: [event(11, 1)], waitUntilMs: now + 14_000 });
    expect(settledPrefix([event(12, 0)], 10, now, 15_000).events).toEqual([]);
  });

  it('passes over a gap once the event after it is older than the grace: the missing insert was rolled back', () => {
    expect(settledPrefix([event(11, 20), event(13, 16), event(14, 0)], 10, now, 15_000)).toEqual({ events: [event(11, 20), event(13, 16), event(14, 0)] });
  });

  it('reads the cursor event itself again without calling it a gap (part of its webhook events may be pending)', () => {
    expect(settledPrefix([event(10, 0), event(11, 0)], 10, now, 15_000).events).toHaveLength(2);
  });
});
