import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startQuorum } from '../../src/main.js';
import { freePort } from '../helpers/net.js';
import { api, testConfig } from '../helpers/quorum.js';

const listen = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

/**
 * A Quorum started by mistake on a data directory another one serves, its HTTP port taken: it stops before its
 * scheduler takes any join, and leaves nothing open behind it.
 */
describe('a start that fails on a port in use', () => {
  it('dispatches nothing, frees the SMTP port it opened and closes its store', async () => {
    const config = testConfig({ QUORUM_RETRY_BACKOFF_SECONDS: 0 });
    // A join due at once, planned by the first Quorum, which stops before its time.
    const first = await startQuorum({ ...config, QUORUM_LEAD_SECONDS: 0 });
    const startsAt = new Date(Date.now() + 1_500);
    const { body } = await api<{ session: { id: string } }>(first, 'POST', '/v1/companies/default/recording-requests', {
      meetingUrl: 'https://meet.google.com/abc-defg-hij',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    });
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const [httpPort, smtpPort] = [await freePort(), await freePort()];
    const taken = await listen(httpPort);
    try {
      await expect(startQuorum({ ...config, QUORUM_HTTP_PORT: httpPort, QUORUM_SMTP_PORT: smtpPort })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      taken.close();
    }
    // Its SMTP port is free again, and the due join is still planned: no bot of the failed start took it.
    (await listen(smtpPort)).close();
    const second = await startQuorum({ ...config, QUORUM_HTTP_PORT: 0, QUORUM_SMTP_PORT: 0, QUORUM_CONCURRENCY: 0 });
    try {
      const session = await second.sessions.get(body.session.id);
      expect(session).toMatchObject({ state: 'scheduled', attempt: 1 });
      expect((await second.sessions.timeline(body.session.id)).map((event) => event.code)).toEqual(['created']);
    } finally {
      await second.close();
    }
  });
});
