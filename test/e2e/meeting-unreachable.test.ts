import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Attempt, TimelineEvent } from '../../src/sessions/session.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { requestNow } from '../helpers/sessions.js';

/**
 * A meeting host this machine cannot reach: the simulator that stands in for meet.google.com is stopped, so the
 * bot's Chromium (still resolving the host to its loopback port) is refused, as behind a firewall that rejects.
 */
describe('a meeting page the network does not deliver', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    // After the test, before the meeting's end (30 min): the retry internal_error gets is planned, not run.
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_RETRY_BACKOFF_SECONDS: 600 });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('ends the attempt internal_error (retried) with the net error and what to check in the timeline', async () => {
    const sim = quorum.simulator;
    if (!sim) throw new Error('no simulator');
    const meeting = await sim.createMeeting('meet', { access: 'open', participants: [{ name: 'Ada' }] });
    await sim.close();
    const session = await requestNow(quorum, meeting.joinUrl);

    await expect.poll(async () => (await quorum.sessions.attempts(session.id))[0]?.endCode, { timeout: 90_000 }).toBeTruthy();
    type Detail = { attempts: Attempt[]; timeline: TimelineEvent[] };
    const { body } = await api<Detail>(quorum, 'GET', `/v1/sessions/${session.id}`);
    expect(body.attempts[0]?.endCode).toBe('internal_error');
    const failed = body.timeline.find((e) => e.attempt === 1 && e.to === 'failed');
    expect(failed?.details).toMatchObject({
      step: 'open',
      message: `could not open ${meeting.joinUrl}: net::ERR_CONNECTION_REFUSED (the meeting's host refused the connection: check this machine's firewall and that DNS sends the host to the provider)`,
    });
    // Transient: the next attempt is planned.
    await expect.poll(async () => (await quorum.sessions.get(session.id))?.state, { timeout: 30_000 }).toBe('scheduled');
  });
});
