import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { api, startTestQuorum } from '../helpers/quorum.js';

/** A "join now" request sent several times at once (a double-click, a client's retry): one bot, not one each. */
describe('recording requests arriving together', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    // Plans only: no bot is started, so nothing tries to reach the meeting.
    quorum = await startTestQuorum({ QUORUM_CONCURRENCY: 0 });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('plans one session for twenty "join now" requests of one meeting sent at once', async () => {
    const request = { meetingUrl: 'https://meet.google.com/now-nown-now' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => api<{ session: Session; existing?: boolean }>(quorum, 'POST', '/v1/companies/default/recording-requests', request)));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array.from({ length: 19 }, () => 200), 201]);
    expect(new Set(answers.map((a) => a.body.session.id)).size).toBe(1);
    expect(answers.filter((a) => a.body.existing === true)).toHaveLength(19);
    expect(await quorum.sessions.list({ limit: 10 })).toHaveLength(1);
  });
});
