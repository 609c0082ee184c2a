import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { waitForEnd, waitForState } from '../helpers/sessions.js';
import type { ZoomApiSim } from '../sim/zoom/api.js';
import { createZoomCompany, requestRecording, webhookSecret } from '../zoom/fixtures.js';

/**
 * Zoom cloud recording end to end: no bot joins; the simulated Zoom signs and sends recording.completed to
 * Quorum's webhook, and Quorum streams the files into the session's artifacts. Scenarios run side by side.
 */
describe('Zoom cloud recordings end to end', () => {
  let quorum: Quorum;
  let zoom: ZoomApiSim;
  let hook: string;

  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_LEAD_SECONDS: 0, QUORUM_ZOOM_CLOUD_WAIT_SECONDS: 4, QUORUM_RETRY_BACKOFF_SECONDS: 0.05 });
    if (!quorum.simulator) throw new Error('no simulator');
    zoom = quorum.simulator.zoomApi;
    await createZoomCompany(quorum, 'zcloud', { mode: 'cloud' }, zoom);
    hook = `${quorum.url}/v1/webhooks/zoom/zcloud`;
  });
  afterAll(async () => {
    await quorum.close();
  });

  /** A meeting that started a minute ago and ends in a second, so the cloud wait starts at once. */
  async function recorded(script: Omit<Parameters<ZoomApiSim['cloudRecording']>[0], 'startTime' | 'webhook'> & { webhook?: Partial<Parameters<ZoomApiSim['cloudRecording']>[0]['webhook']> }) {
    const startTime = new Date(Date.now() - 60_000).toISOString();
    const meeting = zoom.cloudRecording({ ...script, startTime, webhook: { url: hook, secret: webhookSecret, afterMs: 1500, ...script.webhook } });
    const { session, decision } = await requestRecording(quorum, 'zcloud', meeting.joinUrl, 1, -59_000);
    return { meeting, session, decision };
  }

  it('fetches the files of recording.completed into the session; no bot joins; the decision names the mode', async () => {
    const { meeting, session, decision } = await recorded({ participantAudio: ['Ada', 'Grace'], files: [{ type: 'MP4' }, { type: 'M4A' }, { type: 'TRANSCRIPT' }, { type: 'CHAT', status: 'processing' }] });
    expect(decision).toMatchObject({ eligible: true, plan: 'zoom_cloud', provider: 'zoom' });
    expect(String(decision.planReason)).toContain('providers.zoom.mode');
    const ended = await waitForEnd(quorum, session.id, 30_000);
    expect(ended).toMatchObject({ state: 'done', endCode: 'meeting_ended' });
    const states = (await quorum.sessions.timeline(session.id)).map((e) => e.to).filter(Boolean);
    expect(states).toEqual(['scheduled', 'awaiting_cloud_recording', 'fetching', 'done']);
    const artifacts = await quorum.artifacts.list(session.id);
    // Four completed files (the processing chat file is not fetched), two of them per-participant audio.
    expect(artifacts.map((a) => a.kind).sort()).toEqual(['audio', 'audio', 'audio', 'transcript', 'video']);
    expect(artifacts.every((a) => a.bytes > 0)).toBe(true);
    expect(artifacts.filter((a) => a.path.includes('participant-')).map((a) => a.path)).toHaveLength(2);
    expect(Object.values(zoom.downloads(meeting.meetingId)).sort()).toEqual([0, 1, 1, 1, 1, 1]);
    expect(quorum.simulator?.getMeeting(meeting.meetingId)).toBeUndefined();
  });

  it('a duplicate delivery is answered 200 and downloads nothing twice', async () => {
    const { meeting, session } = await recorded({ webhook: { duplicateAfterMs: 2500 } });
    await waitForEnd(quorum, session.id, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await quorum.zoomCloud.idle();
    expect(Object.values(zoom.downloads(meeting.meetingId))).toEqual([1, 1, 1]);
    const answers = zoom.webhookResults.filter((r) => r.body.includes('"duplicate":true'));
    expect(answers.length).toBeGreaterThanOrEqual(1);
  });

  it('an expired download token falls back to the API, with a double-encoded UUID', async () => {
    const { session } = await recorded({ uuid: '/ab//cd+ef==', webhook: { expiredToken: true } });
    const ended = await waitForEnd(quorum, session.id, 30_000);
    expect(ended).toMatchObject({ state: 'done' });
    const done = (await quorum.sessions.timeline(session.id)).find((e) => e.to === 'done');
    expect(done?.details).toMatchObject({ usedApiFallback: true });
    expect(zoom.calls).toContain(`GET /v2/meetings/${encodeURIComponent(encodeURIComponent('/ab//cd+ef=='))}/recordings`);
    expect(zoom.calls).toContain('POST /oauth/token');
  });

  it('transient download errors are retried; lasting ones end cloud_download_failed', async () => {
    const flaky = await recorded({ failDownloads: 1, files: [{ type: 'M4A' }] });
    const broken = await recorded({ failDownloads: 'always', files: [{ type: 'M4A' }] });
    expect(await waitForEnd(quorum, flaky.session.id, 30_000)).toMatchObject({ state: 'done' });
    expect(await waitForEnd(quorum, broken.session.id, 30_000)).toMatchObject({ state: 'failed', endCode: 'cloud_download_failed' });
  });

  it('no webhook in time → cloud_recording_missing', async () => {
    const { session } = await recorded({ webhook: { afterMs: 600_000 } });
    await waitForState(quorum, session.id, 'awaiting_cloud_recording');
    expect(await waitForEnd(quorum, session.id, 30_000)).toMatchObject({ state: 'failed', endCode: 'cloud_recording_missing' });
  });

  it('the check at meeting time also gates a cloud recording: Zoom turned off meanwhile → cancelled, nothing awaited', async () => {
    await createZoomCompany(quorum, 'zgate', { mode: 'cloud' }, zoom);
    const meeting = zoom.cloudRecording({ startTime: new Date().toISOString(), webhook: { url: `${quorum.url}/v1/webhooks/zoom/zgate`, secret: webhookSecret, afterMs: 600_000 } });
    const { session } = await requestRecording(quorum, 'zgate', meeting.joinUrl, 1, 3_000);
    expect((await api(quorum, 'PATCH', '/v1/companies/zgate/providers/zoom', { enabled: false })).status).toBe(200);
    expect(await waitForEnd(quorum, session.id, 30_000)).toMatchObject({ state: 'cancelled', endCode: 'provider_disabled' });
    const states = (await quorum.sessions.timeline(session.id)).map((e) => e.to);
    expect(states).toEqual(['scheduled', 'cancelled']);
  });

  it('refuses a forged signature, a stale timestamp and a replay; answers url_validation', async () => {
    const body = JSON.stringify({ event: 'meeting.started', event_ts: Date.now(), payload: { object: { id: 1, uuid: 'x' } } });
    expect((await zoom.sendSigned(hook, 'not-the-secret', body)).status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await zoom.sendSigned(hook, webhookSecret, body, { timestamp: stale })).status).toBe(401);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { zoomSignature } = await import('../../src/zoom/signature.js');
    const signature = zoomSignature(webhookSecret, timestamp, body);
    expect((await zoom.sendSigned(hook, webhookSecret, body, { timestamp, signature })).status).toBe(200);
    expect((await zoom.sendSigned(hook, webhookSecret, body, { timestamp, signature })).status).toBe(409);
    const validation = await zoom.sendSigned(hook, webhookSecret, JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'abc' }, event_ts: Date.now() }));
    const { urlValidationAnswer } = await import('../../src/zoom/signature.js');
    expect(JSON.parse(validation.body)).toEqual(urlValidationAnswer(webhookSecret, 'abc'));
    expect((await zoom.sendSigned(`${quorum.url}/v1/webhooks/zoom/nobody`, webhookSecret, body)).status).toBe(404);
  });
});
