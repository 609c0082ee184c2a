import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt, Session, TimelineEvent } from '../../src/sessions/session.js';
import type { CliRun } from '../helpers/cli.js';
import { until } from '../helpers/net.js';
import type { OwnRedis } from '../helpers/own-services.js';
import { startScaleOutRig, type ScaleOutRig } from '../helpers/scale-out-rig.js';
import { callAt } from '../helpers/quorum.js';
import type { Simulator } from '../sim/index.js';

type Detail = { session: Session; attempts: Attempt[]; timeline: TimelineEvent[]; artifacts: Array<{ kind: string; attempt: number }> };

const lockSeconds = 3;
const stalledLine = 'a running join lost its queue lock';

/**
 * Redis away longer than the queue's job lock, back with its data (AOF), as a production Redis comes back: BullMQ
 * finds the recording bot's join job active with its lock expired and runs it again, on the other process (the
 * first one's only bot slot is taken). The session's state keeps a second bot out: one bot in the meeting, one
 * attempt, one recording. Two processes on their own PostgreSQL and persisting Redis, like test/e2e/outage.test.ts.
 */
describe('scale-out when Redis is away longer than the queue lock and keeps its data', () => {
  let sim: Simulator;
  let redis: OwnRedis;
  let base: string;
  let prefix: string;
  let serve: CliRun;
  let worker: CliRun;

  const call = callAt(() => base);
  const detail = (id: string) => call<Detail>('GET', `/v1/sessions/${id}`);
  const output = () => `serve:\n${serve.output()}\nworker:\n${worker.output()}`;
  const alive = () => expect([serve.child.exitCode, worker.child.exitCode], output()).toEqual([null, null]);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  let rig: ScaleOutRig;
  beforeAll(async () => {
    rig = await startScaleOutRig({
      name: 'lock-outage',
      persistRedis: true,
      env: {
        QUORUM_QUEUE_LOCK_SECONDS: String(lockSeconds),
        // The leases live in PostgreSQL, which stays up: they hold through the Redis outage.
        QUORUM_LEASE_SECONDS: '20',
      },
    });
    ({ sim, redis, base, prefix } = rig);
    // One bot slot each: whichever process runs the bot, the job's second run can only go to the other one.
    serve = rig.run('serve', { QUORUM_CONCURRENCY: '1' });
    await until('the API', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    worker = rig.run('worker', { QUORUM_CONCURRENCY: '1' });
    // Up before the outage: a process that cannot reach Redis when it starts refuses to start.
    await until('the worker', async () => ((await fetch(`http://127.0.0.1:${rig.workerPort}/healthz`)).ok ? true : undefined));
  });
  afterAll(() => rig?.close());

  it('the join job runs again after the outage, but no second bot joins: one attempt, one recording, done', async () => {
    const meeting = await sim.createMeeting('meet', { access: 'open', participants: [{ name: 'Ada' }, { name: 'Grace' }] });
    const { session } = await call<{ session: Session }>('POST', '/v1/companies/default/recording-requests', {
      meetingUrl: meeting.joinUrl,
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    await until('the bot to record', async () => ((await detail(session.id)).session.state === 'recording' ? true : undefined), 90_000);

    redis.stop();
    // Several lock durations: the job's lock expires while Redis is away, and Redis brings the job back active.
    await pause(4 * lockSeconds * 1000);
    redis.start();

    await until('BullMQ to find the job stalled', async () => (output().includes(stalledLine) ? true : undefined), 45_000);
    // Its second run ended at once (the session is not `scheduled`) and completed: the job is gone, not failed.
    const queue = new Queue(`${prefix}-joins`, { connection: { url: redis.url } });
    try {
      await until('the second run of the job to complete', async () => ((await queue.getJob(`${session.id}#1`)) ? undefined : true), 30_000);
    } finally {
      await queue.close();
    }
    const during = await detail(session.id);
    expect(during.session.state).toBe('recording');
    expect(during.attempts.map((a) => a.number)).toEqual([1]);
    alive();

    sim.act(meeting.id, { type: 'end' });
    const done = await until('the session to end', async () => {
      const d = await detail(session.id);
      return d.session.state === 'done' ? d : undefined;
    }, 60_000);
    expect(done.session.endCode).toBe('meeting_ended');
    expect(done.attempts.map((a) => a.number)).toEqual([1]);
    expect(done.timeline.map((e) => e.code)).not.toContain('worker_lost');
    expect(done.artifacts.filter((a) => a.kind === 'audio')).toHaveLength(1);
    const events = sim.getMeeting(meeting.id)?.events.map((e) => e.type) ?? [];
    expect(events.filter((type) => type === 'bot_opened'), JSON.stringify(events)).toHaveLength(1);
    expect(output()).not.toContain('Unhandled error event');
    // The lost lock is said once, not at every renewal BullMQ keeps trying while the bot records.
    expect(output().split('\n').filter((line) => line.includes('could not renew lock')).length).toBeLessThanOrEqual(1);
    // Nor is the first run's end, which BullMQ cannot mark finished once the run that took over removed the job
    // (it comes as the bot leaves: given a moment to arrive).
    await pause(2_000);
    expect(output()).not.toMatch(/(?:Missing key|Missing lock|Lock mismatch) for job/);
    alive();
  });
});
