import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/logging/session-log.js';
import type { Session } from '../../src/sessions/session.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { freePort, until } from '../helpers/net.js';
import { adminToken, callAt } from '../helpers/quorum.js';
import { testDatabaseUrl } from '../helpers/store.js';
import { startSimulator, type Simulator } from '../sim/index.js';

/**
 * The scale-out mode: an API-only `quorum serve` and two `quorum worker` processes sharing PostgreSQL
 * and BullMQ on Redis. A worker records the meeting, its log streams live through the API process,
 * and when the recording worker is killed the other one takes the session over (`worker_lost`, retried).
 */
describe('scale-out on PostgreSQL and Redis', () => {
  let sim: Simulator;
  let admin: pg.Client;
  let database: string;
  let env: Record<string, string>;
  let base: string;
  const processes: CliRun[] = [];

  const call = callAt(() => base);
  type Detail = { session: Session; attempts: Array<{ number: number; endCode: string | null; workerId: string | null }>; artifacts: Array<{ kind: string; attempt: number }> };
  const detail = (id: string) => call<Detail>('GET', `/v1/sessions/${id}`);
  const start = (args: string[], extra: Record<string, string> = {}) => {
    const run = runCli(args, { ...env, ...extra });
    processes.push(run);
    return run;
  };

  beforeAll(async () => {
    sim = await startSimulator({ chromiumPath: '/usr/bin/chromium', log: pino({ level: 'silent' }) });
    admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    database = `quorum_it_${randomBytes(4).toString('hex')}`;
    await admin.query(`create database ${database}`);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${database}`;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: process.env.QUORUM_TEST_REDIS_URL ?? '',
      QUORUM_REDIS_PREFIX: `it-${randomBytes(4).toString('hex')}`,
      QUORUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'quorum-scale-')),
      QUORUM_HTTP_PORT: String(port),
      QUORUM_SMTP_PORT: '0',
      QUORUM_WORKER_HTTP_PORT: '0',
      QUORUM_ADMIN_TOKEN: adminToken,
      QUORUM_LOG_LEVEL: 'warn',
      QUORUM_BROWSER_ARGS: JSON.stringify(sim.chromiumArgs()),
      QUORUM_RETRY_BACKOFF_SECONDS: '0',
      // Short, so the takeover comes soon; not so short that a busy machine's renewals miss it.
      QUORUM_LEASE_SECONDS: '10',
    };
  });
  afterAll(async () => {
    for (const run of processes) run.child.kill('SIGKILL');
    await Promise.all(processes.map((run) => run.exited));
    await sim.close();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  it('workers record, logs stream across processes, and a dead worker’s session is taken over', async () => {
    start(['serve'], { QUORUM_CONCURRENCY: '0' });
    await until('the API', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    const workerPort = await freePort();
    const first = start(['worker'], { QUORUM_WORKER_HTTP_PORT: String(workerPort) });
    const meeting = await sim.createMeeting('meet', { access: 'open', participants: [{ name: 'Ada' }, { name: 'Grace' }] });
    const { session } = await call<{ session: Session }>('POST', '/v1/companies/default/recording-requests', {
      meetingUrl: meeting.joinUrl,
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
    });

    const lines: LogLine[] = [];
    const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/sessions/${session.id}/logs/live`, { headers: { authorization: `Bearer ${adminToken}` } });
    socket.on('message', (data: Buffer) => lines.push(JSON.parse(data.toString('utf8')) as LogLine));
    const recording = await until('the first worker to record', async () => {
      const d = await detail(session.id);
      return d.session.state === 'recording' ? d : undefined;
    });
    expect(recording.attempts[0]?.workerId).toContain(`:${first.child.pid}:`);
    await until('the worker’s lines on the API process’s stream', async () => (lines.some((l) => l.msg === 'recording started') ? true : undefined));
    // The worker's own health and metrics: only it knows its bots' join latency and how many run.
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    expect(await (await fetch(`${workerUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${workerUrl}/metrics`)).text();
    expect(metrics).toMatch(/^quorum_active_bots 1$/m);
    expect(metrics).toMatch(/^quorum_join_latency_seconds_count 1$/m);
    expect((await fetch(`${workerUrl}/v1/sessions`)).status).toBe(404);

    start(['worker']);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    first.child.kill('SIGKILL');
    let last: Detail | undefined;
    const takenOver = await until('the second worker to take over', async () => {
      const d = (last = await detail(session.id));
      return d.session.attempt >= 2 && d.session.state === 'recording' ? d : undefined;
    }, 90_000).catch((error: unknown) => {
      // What the session went through says why: no retry planned, a join that failed, or a lease lost again.
      throw new Error(`${String(error)}; the session: ${JSON.stringify({ state: last?.session.state, attempts: last?.attempts })}\n${processes.map((run) => run.output().slice(-3000)).join('\n---\n')}`);
    });
    // A loaded machine may lose the new attempt's lease too before it records: any later attempt taking over counts.
    expect(takenOver.attempts[0]?.endCode).toBe('worker_lost');
    expect(takenOver.attempts.at(-1)).toMatchObject({ endCode: null });
    expect(takenOver.attempts.at(-1)?.workerId).not.toContain(`:${first.child.pid}:`);

    await call('POST', `/v1/sessions/${session.id}/stop`, { reason: 'test over' });
    const done = await until('the stop', async () => {
      const d = await detail(session.id);
      return d.session.state === 'done' ? d : undefined;
    });
    expect(done.session.endCode).toBe('stopped_by_operator');
    expect(done.artifacts.filter((a) => a.kind === 'audio').map((a) => a.attempt)).toContain(takenOver.session.attempt);
    socket.close();
  });
});
