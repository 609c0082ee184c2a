import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/logging/session-log.js';
import type { Quorum } from '../../src/main.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { runCli } from '../helpers/cli.js';
import { recordSimulated, waitForEnd, waitForState } from '../helpers/sessions.js';

/** What ops people do: retry failed sessions (API and CLI), stop bots, and watch their logs live. */
describe('operator actions', () => {
  let quorum: Quorum;
  let cliEnv: Record<string, string>;
  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: 6, QUORUM_CONCURRENCY: 6 });
    cliEnv = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken };
  });
  afterAll(async () => {
    await quorum.close();
  });

  /** A meeting whose host never answers the lobby: the first attempt times out; a retry gets admitted by the test. */
  async function failedSession() {
    const { session, meetingId } = await recordSimulated(quorum, { lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ada' }] });
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'failed', endCode: 'waiting_room_timeout' });
    return { session, meetingId };
  }

  async function admitThenEnd(sessionId: string, meetingId: string) {
    await waitForState(quorum, sessionId, 'waiting_room', 2);
    quorum.simulator?.act(meetingId, { type: 'admit' });
    await waitForState(quorum, sessionId, 'recording', 2);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    quorum.simulator?.act(meetingId, { type: 'end' });
    const ended = await waitForEnd(quorum, sessionId);
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended', attempt: 2 });
    const audio = (await quorum.artifacts.list(sessionId)).filter((a) => a.kind === 'audio');
    expect(audio.map((a) => a.attempt)).toEqual([2]);
    expect(audio[0]?.durationMs).toBeGreaterThan(3000);
  }

  it('an API retry of a failed session starts a new attempt that records', async () => {
    const { session, meetingId } = await failedSession();
    const retry = await api<{ session: { attempt: number; state: string } }>(quorum, 'POST', `/v1/sessions/${session.id}/retry`, { reason: 'host is here now' });
    expect(retry.status).toBe(202);
    expect(retry.body.session.attempt).toBe(2);
    await admitThenEnd(session.id, meetingId);
    const timeline = await quorum.sessions.timeline(session.id);
    expect(timeline.find((e) => e.code === 'operator_retry')?.details).toEqual({ reason: 'host is here now' });
  });

  it('a CLI retry does the same', async () => {
    const { session, meetingId } = await failedSession();
    const cli = runCli(['retry', session.id, '--reason', 'from the terminal'], cliEnv);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`retry accepted: session ${session.id} is scheduled (attempt 2)`);
    await admitThenEnd(session.id, meetingId);
  });

  it('stop ends a recording bot with stopped_by_operator and keeps what it recorded', async () => {
    const { session } = await recordSimulated(quorum, { access: 'open', participants: [{ name: 'Ada' }] });
    await waitForState(quorum, session.id, 'recording');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const cli = runCli(['stop', session.id, '--reason', 'enough'], cliEnv);
    expect(await cli.exited).toBe(0);
    expect(await waitForEnd(quorum, session.id)).toMatchObject({ state: 'done', endCode: 'stopped_by_operator' });
    expect((await quorum.artifacts.list(session.id)).some((a) => a.kind === 'audio')).toBe(true);
  });

  it('`quorum logs --follow` and the WebSocket stream show a running bot’s lines as they are written', async () => {
    const { session, meetingId } = await recordSimulated(quorum, { lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ada' }] });
    // Generous lobby wait for this one: the test admits the bot itself once both readers are attached.
    await waitForState(quorum, session.id, 'waiting_room');
    const follow = runCli(['logs', session.id, '--follow'], cliEnv);
    const received: LogLine[] = [];
    const socket = new WebSocket(`${quorum.url.replace('http', 'ws')}/v1/sessions/${session.id}/logs/live`, { headers: { authorization: `Bearer ${adminToken}` } });
    socket.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as LogLine));
    await new Promise((resolve) => socket.once('open', resolve));
    // Both readers have the backlog (the bot's lobby lines) before the bot is admitted.
    await follow.waitFor('waiting to be admitted');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const beforeAdmission = received.length;
    quorum.simulator?.act(meetingId, { type: 'admit' });
    await waitForState(quorum, session.id, 'recording');
    await follow.waitFor('recording started');
    // Written after both readers attached, and seen by both while the bot is still in the meeting.
    expect(received.slice(beforeAdmission).map((l) => l.msg)).toContain('recording started');
    expect(received.every((l) => l.sessionId === session.id)).toBe(true);
    quorum.simulator?.act(meetingId, { type: 'end' });
    await waitForEnd(quorum, session.id);
    expect(await follow.exited).toBe(0);
    expect(follow.output()).toContain('recording saved');
    socket.close();
  });
});
