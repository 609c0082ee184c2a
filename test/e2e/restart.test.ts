import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/sessions/session.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { freePort, until } from '../helpers/net.js';
import { adminToken, callAt } from '../helpers/quorum.js';
import { startSimulator, type Simulator } from '../sim/index.js';

/**
 * `quorum serve` killed with SIGKILL while one bot records and other joins are planned, then started
 * again on the same data directory: nothing planned is lost, and the interrupted session is ended
 * `worker_lost` and retried. The simulator runs in the test process so it outlives the server.
 */
describe('kill -9, SIGTERM and restart', () => {
  let sim: Simulator;
  let env: Record<string, string>;
  let base: string;
  let server: CliRun | undefined;

  const call = callAt(() => base);
  const session = async (id: string) => (await call<{ session: Session; attempts: Array<{ number: number; endCode: string | null }> }>('GET', `/v1/sessions/${id}`));
  const serve = async () => {
    server = runCli(['serve'], env);
    await until('the server to answer', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
  };

  beforeAll(async () => {
    sim = await startSimulator({ chromiumPath: '/usr/bin/chromium', log: pino({ level: 'silent' }) });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      QUORUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'quorum-restart-')),
      QUORUM_HTTP_PORT: String(port),
      QUORUM_SMTP_PORT: '0',
      QUORUM_ADMIN_TOKEN: adminToken,
      QUORUM_LOG_LEVEL: 'warn',
      QUORUM_BROWSER_ARGS: JSON.stringify(sim.chromiumArgs()),
      QUORUM_RETRY_BACKOFF_SECONDS: '0',
    };
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await sim.close();
  });

  it('keeps every planned join and retries the interrupted one, after a kill -9 and after an orderly SIGTERM', async () => {
    await serve();
    const meeting = await sim.createMeeting('meet', { access: 'open', participants: [{ name: 'Ada' }, { name: 'Grace' }] });
    const now = Date.now();
    const request = (meetingUrl: string, startsInMs: number) =>
      call<{ session: Session }>('POST', '/v1/companies/default/recording-requests', {
        meetingUrl,
        startsAt: new Date(now + startsInMs).toISOString(),
        endsAt: new Date(now + startsInMs + 3600_000).toISOString(),
      });
    const live = (await request(meeting.joinUrl, 0)).session;
    const soon = (await request('https://meet.google.com/abc-defg-hij', 2 * 3600_000)).session;
    const later = (await request('https://meet.google.com/abc-defg-hik', 24 * 3600_000)).session;
    await until('the bot to record', async () => ((await session(live.id)).session.state === 'recording' ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 2000));

    server?.child.kill('SIGKILL');
    await server?.exited;
    await serve();

    const retried = await until('the retry to record', async () => {
      const detail = await session(live.id);
      return detail.session.attempt === 2 && detail.session.state === 'recording' ? detail : undefined;
    });
    expect(retried.attempts.map((a) => [a.number, a.endCode])).toEqual([
      [1, 'worker_lost'],
      [2, null],
    ]);
    for (const planned of [soon, later]) {
      expect((await session(planned.id)).session).toMatchObject({ state: 'scheduled', attempt: 1, joinAt: planned.joinAt });
    }

    // An orderly stop (SIGTERM): the bot leaves and keeps what it recorded, the process exits 0, and the next
    // start joins again. Chromium is Quorum's to close: a browser killed under the bot would end it browser_crashed.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    server?.child.kill('SIGTERM');
    expect(await server?.exited).toBe(0);
    await serve();
    const rejoined = await until('the third attempt to record', async () => {
      const detail = await session(live.id);
      return detail.session.attempt === 3 && detail.session.state === 'recording' ? detail : undefined;
    });
    expect(rejoined.attempts.map((a) => [a.number, a.endCode])).toEqual([
      [1, 'worker_lost'],
      [2, 'worker_lost'],
      [3, null],
    ]);
    await call('POST', `/v1/sessions/${live.id}/stop`, { reason: 'test over' });
    const done = await until('the stop', async () => {
      const detail = await session(live.id);
      return detail.session.state === 'done' ? detail.session : undefined;
    });
    expect(done.endCode).toBe('stopped_by_operator');
    const { artifacts } = await call<{ artifacts: Array<{ kind: string; attempt: number }> }>('GET', `/v1/sessions/${live.id}`);
    // The killed attempt's streamed audio is kept too, finalized on restart; the stopped one's at its leaving.
    expect(artifacts.filter((a) => a.kind === 'audio').map((a) => a.attempt)).toEqual([1, 2, 3]);
  });
});
