import { createConnection } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/logging/session-log.js';
import type { Session } from '../../src/sessions/session.js';
import type { CliRun } from '../helpers/cli.js';
import { until } from '../helpers/net.js';
import type { OwnPostgres, OwnRedis } from '../helpers/own-services.js';
import { startScaleOutRig, type ScaleOutRig } from '../helpers/scale-out-rig.js';
import { adminToken, callAt } from '../helpers/quorum.js';
import type { Simulator } from '../sim/index.js';

type Detail = { session: Session; attempts: Array<{ number: number; endCode: string | null }> };

/**
 * Scale-out through outages: PostgreSQL restarts and Redis goes away (losing every key) while a bot records,
 * a join is planned and the API process idles. Every process survives, says on /healthz that a dependency is
 * down and recovers after, intake asks mail to come back later, no planned join is lost or run twice, and a
 * bot's live log and an operator's stop still cross processes after Redis returns. Own Redis and PostgreSQL
 * instances, so stopping them disturbs no other test.
 */
describe('scale-out through PostgreSQL and Redis outages', () => {
  let sim: Simulator;
  let redis: OwnRedis;
  let postgres: OwnPostgres;
  let base: string;
  let smtpPort: number;
  let serve: CliRun;
  let worker: CliRun;

  const call = callAt(() => base);
  const detail = (id: string) => call<Detail>('GET', `/v1/sessions/${id}`);
  const health = async () => {
    const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const request = async (startsInMs: number) => {
    const meeting = await sim.createMeeting('meet', { access: 'open', participants: [{ name: 'Ada' }, { name: 'Grace' }] });
    const { session } = await call<{ session: Session }>('POST', '/v1/companies/default/recording-requests', {
      meetingUrl: meeting.joinUrl,
      startsAt: new Date(Date.now() + startsInMs).toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    return session;
  };
  const recording = (id: string, ms = 60_000) =>
    until(`session ${id} to record`, async () => {
      const d = await detail(id);
      return d.session.state === 'recording' ? d : undefined;
    }, ms);
  const alive = () => expect([serve.child.exitCode, worker.child.exitCode], `serve:\n${serve.output()}\nworker:\n${worker.output()}`).toEqual([null, null]);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  let rig: ScaleOutRig;
  beforeAll(async () => {
    rig = await startScaleOutRig({
      name: 'outage',
      env: {
        QUORUM_RETRY_BACKOFF_SECONDS: '0',
        // Renewals every 5 s; a bot leaves only once the store has been unreachable for about 15 s.
        QUORUM_LEASE_SECONDS: '20',
      },
    });
    ({ sim, redis, postgres, base, smtpPort } = rig);
    serve = rig.run('serve', { QUORUM_CONCURRENCY: '0' });
    await until('the API', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    worker = rig.run('worker');
  });
  afterAll(() => rig?.close());

  it('PostgreSQL restarts: processes survive, /healthz and intake say so, the recording and the planned join go on', async () => {
    const live = await request(0);
    await recording(live.id, 90_000);
    // Joins after the database is back.
    const planned = await request(20_000);
    // Joins now: its bot is starting when the database goes away.
    const joining = await request(0);

    postgres.stop();
    const down = await until('/healthz to report the database down', async () => {
      const h = await health();
      return h.status === 503 ? h : undefined;
    }, 20_000);
    expect(down.body).toMatchObject({ status: 'unavailable', database: 'down' });
    expect(await smtpReply(smtpPort, 'invites@quorum.test')).toMatch(/^451 /);
    await pause(5_000);
    postgres.start();

    await until('/healthz to recover', async () => ((await health()).status === 200 ? true : undefined), 30_000);
    alive();
    const after = await recording(planned.id, 90_000);
    expect(after.attempts).toHaveLength(1);
    // Whatever its first attempt met, it is not left active for ever: it records, on a later attempt if need be.
    await recording(joining.id, 90_000);
    const still = await detail(live.id);
    expect(still.session.state).toBe('recording');
    expect(still.attempts.map((a) => a.endCode)).toEqual([null]);
    alive();
    // Frees the worker's bot slots for the next scenario.
    for (const id of [live.id, planned.id, joining.id]) await call('POST', `/v1/sessions/${id}/stop`, { reason: 'scenario over' });
    await until('the bots to leave', async () => ((await Promise.all([live.id, planned.id, joining.id].map(detail))).every((d) => d.session.state === 'done') ? true : undefined), 60_000);
  });

  it('Redis goes away and comes back empty: no crash or log storm, the planned join runs once, live logs and stops cross processes again', async () => {
    const live = await request(0);
    await recording(live.id, 90_000);
    const lines: LogLine[] = [];
    const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/sessions/${live.id}/logs/live`, { headers: { authorization: `Bearer ${adminToken}` } });
    socket.on('message', (data: Buffer) => lines.push(JSON.parse(data.toString('utf8')) as LogLine));
    await new Promise((resolve) => socket.once('open', resolve));
    const planned = await request(6_000);
    const outputBefore = serve.output().length + worker.output().length;

    redis.stop();
    const down = await until('/healthz to report Redis down', async () => {
      const h = await health();
      return h.status === 503 ? h : undefined;
    }, 20_000);
    expect(down.body).toMatchObject({ status: 'unavailable', redis: 'down' });
    await pause(10_000);
    redis.start();
    const back = Date.now();

    await until('/healthz to recover', async () => ((await health()).status === 200 ? true : undefined), 30_000);
    alive();
    // The join was due while Redis was away and its job went with Redis's data: planned again, run once.
    const after = await recording(planned.id, 90_000);
    expect(after.attempts).toHaveLength(1);
    expect((await detail(live.id)).attempts.map((a) => a.endCode)).toEqual([null]);

    // The stop travels over Redis pub/sub to the worker, whose lines travel back to this API process's socket.
    await call('POST', `/v1/sessions/${live.id}/stop`, { reason: 'test over' });
    const done = await until('the stop', async () => {
      const d = await detail(live.id);
      return d.session.state === 'done' ? d : undefined;
    }, 60_000);
    expect(done.session.endCode).toBe('stopped_by_operator');
    await until('a live line written after Redis came back', async () => (lines.some((l) => Date.parse(l.at) > back) ? true : undefined), 20_000);
    socket.close();

    const output = (serve.output() + worker.output()).slice(outputBefore);
    expect(output).not.toContain('Unhandled error event');
    // A few lines per process saying Redis went and came back, not one per reconnect attempt.
    expect(output.split('\n').filter((line) => /ECONNREFUSED|Connection is closed|redis/i.test(line)).length).toBeLessThan(20);
    alive();
  });
});

/** The first reply to RCPT TO on an SMTP server: 451 when intake cannot reach its store. */
function smtpReply(port: number, recipient: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const script = ['EHLO test.example', 'MAIL FROM:<a@test.example>', `RCPT TO:<${recipient}>`];
    let buffer = '';
    let sent = 0;
    socket.setTimeout(20_000, () => reject(new Error(`no SMTP reply: ${buffer}`)));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const complete = buffer.split('\r\n').filter((line) => /^\d{3} /.test(line));
      if (complete.length > script.length) {
        socket.end('QUIT\r\n');
        resolve(complete[script.length] ?? '');
        return;
      }
      // One command per reply: the banner answers nothing, each later reply answers the command before it.
      if (complete.length > sent) socket.write(`${script[sent++] ?? 'QUIT'}\r\n`);
    });
  });
}
