import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../src/bus.js';
import type { Quorum } from '../../src/main.js';
import { ZoomCloud } from '../../src/zoom/cloud-service.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { waitForEnd, waitForState } from '../helpers/sessions.js';
import type { ZoomApiSim } from '../sim/zoom/api.js';
import { createZoomCompany, requestRecording, webhookSecret } from './fixtures.js';
import { countingServer, keyOf, meetingNumber, recordingBody } from './helpers.js';

/**
 * A cloud fetch that failed or was interrupted can be done again: the operator's retry (and the automatic
 * retry after worker_lost) fetches from the session's stored delivery although the meeting is long over.
 * Unmatched deliveries expire after the wait window and are not read again.
 */
describe('Zoom cloud fetches recover', () => {
  let quorum: Quorum;
  let zoom: ZoomApiSim;
  let hook: string;

  beforeAll(async () => {
    quorum = await startTestQuorum({
      QUORUM_SIMULATE: true,
      QUORUM_LEAD_SECONDS: 0,
      QUORUM_ZOOM_CLOUD_WAIT_SECONDS: 4,
      QUORUM_RETRY_BACKOFF_SECONDS: 0.05,
      QUORUM_ZOOM_DOWNLOAD_ATTEMPTS: 2,
      QUORUM_LEASE_SECONDS: 4,
    });
    if (!quorum.simulator) throw new Error('no simulator');
    zoom = quorum.simulator.zoomApi;
    await createZoomCompany(quorum, 'zrec', { mode: 'cloud' }, zoom);
    hook = `${quorum.url}/v1/webhooks/zoom/zrec`;
  });
  afterAll(async () => {
    await quorum.close();
  });

  /** A meeting that started a minute ago and ends in a second. */
  function recorded(script: Omit<Parameters<ZoomApiSim['cloudRecording']>[0], 'startTime' | 'webhook'>, afterMs = 1500) {
    const startTime = new Date(Date.now() - 60_000).toISOString();
    const meeting = zoom.cloudRecording({ ...script, startTime, webhook: { url: hook, secret: webhookSecret, afterMs } });
    return { meeting, requested: requestRecording(quorum, 'zrec', meeting.joinUrl, 1, -59_000) };
  }

  it('after cloud_download_failed, an operator retry of the ended meeting fetches again from the stored delivery', async () => {
    // Two tries per file, the first two downloads fail: the first attempt fails, the retry's download succeeds.
    const { meeting, requested } = recorded({ failDownloads: 2, files: [{ type: 'M4A' }] });
    const { session } = await requested;
    expect(await waitForEnd(quorum, session.id, 30_000)).toMatchObject({ state: 'failed', endCode: 'cloud_download_failed' });
    const [stored] = await quorum.zoomCloud.deliveries.forSession(session.id);
    expect(stored).toMatchObject({ status: 'failed', sessionId: session.id });
    expect(Date.parse(session.endsAt)).toBeLessThan(Date.now());
    expect((await api(quorum, 'POST', `/v1/sessions/${session.id}/retry`, { reason: 'Zoom was down' })).status).toBeLessThan(300);
    const done = await waitForState(quorum, session.id, 'done', 2, 30_000);
    expect(done.endCode).toBe('meeting_ended');
    const second = (await quorum.sessions.timeline(session.id)).filter((event) => event.attempt === 2).map((event) => event.to ?? event.code);
    expect(second).toEqual(['scheduled', 'awaiting_cloud_recording', 'fetching', 'done']);
    expect(Object.values(zoom.downloads(meeting.meetingId))).toEqual([1]);
    expect(await quorum.artifacts.list(session.id)).toHaveLength(1);
    // Every file is stored: the download token is no longer kept.
    const after = await quorum.zoomCloud.deliveries.get(stored?.key ?? '');
    expect(after).toMatchObject({ status: 'processed' });
    expect(after?.body).not.toContain('download_token');
  });

  it('a crash during fetching: worker_lost, then the automatic retry fetches from the stored delivery', async () => {
    // The webhook never arrives by itself: the test leaves the state a process dying mid-fetch leaves.
    const { meeting, requested } = recorded({ files: [{ type: 'M4A' }, { type: 'TRANSCRIPT' }] }, 600_000);
    const { session } = await requested;
    await waitForState(quorum, session.id, 'awaiting_cloud_recording');
    const body = zoom.completedEvent({ meetingId: meeting.meetingId });
    const key = keyOf('zrec', body);
    await quorum.zoomCloud.deliveries.accept({ key, companyId: 'zrec', event: 'recording.completed', body, now: new Date() });
    await quorum.zoomCloud.deliveries.bind(key, session.id);
    await quorum.sessions.transition(session.id, 'fetching', { code: 'cloud_recording_ready' });
    await quorum.sessions.lease(session.id, 'a-host-that-died:4242:dead', new Date(Date.now() - 1000));
    const done = await waitForState(quorum, session.id, 'done', 2, 30_000);
    expect(done.endCode).toBe('meeting_ended');
    const states = (await quorum.sessions.timeline(session.id)).map((event) => event.to).filter(Boolean);
    expect(states).toEqual(['scheduled', 'awaiting_cloud_recording', 'fetching', 'failed', 'scheduled', 'awaiting_cloud_recording', 'fetching', 'done']);
    expect((await quorum.sessions.attempts(session.id)).map((attempt) => attempt.endCode)).toEqual(['worker_lost', 'meeting_ended']);
    expect(Object.values(zoom.downloads(meeting.meetingId))).toEqual([1, 1]);
    expect(await quorum.zoomCloud.deliveries.get(key)).toMatchObject({ status: 'processed', sessionId: session.id });
  });

  it('unmatched deliveries older than the wait window expire without their token and are not matched again', async () => {
    // Meetings running for another minute: both sessions keep waiting throughout the test.
    const startTime = new Date(Date.now() - 60_000).toISOString();
    const old = zoom.cloudRecording({ startTime, files: [{ type: 'M4A' }], webhook: { url: hook, secret: webhookSecret, afterMs: 600_000 } });
    const fresh = zoom.cloudRecording({ startTime, files: [{ type: 'M4A' }], webhook: { url: hook, secret: webhookSecret, afterMs: 600_000 } });
    const oldSession = (await requestRecording(quorum, 'zrec', old.joinUrl, 2, -60_000)).session;
    const freshSession = (await requestRecording(quorum, 'zrec', fresh.joinUrl, 2, -60_000)).session;
    await waitForState(quorum, oldSession.id, 'awaiting_cloud_recording');
    await waitForState(quorum, freshSession.id, 'awaiting_cloud_recording');
    const store = quorum.zoomCloud.deliveries;
    const oldBody = zoom.completedEvent({ meetingId: old.meetingId });
    const freshBody = zoom.completedEvent({ meetingId: fresh.meetingId });
    // Both as left by an earlier run that heard them before any session waited; one of them long ago.
    await store.accept({ key: keyOf('zrec', oldBody), companyId: 'zrec', event: 'recording.completed', body: oldBody, now: new Date(Date.now() - 3600_000) });
    await store.accept({ key: keyOf('zrec', freshBody), companyId: 'zrec', event: 'recording.completed', body: freshBody, now: new Date() });
    await store.finish(keyOf('zrec', oldBody), 'unmatched');
    await store.finish(keyOf('zrec', freshBody), 'unmatched');
    expect(await waitForEnd(quorum, freshSession.id, 30_000)).toMatchObject({ state: 'done' });
    const deadline = Date.now() + 20_000;
    while ((await store.get(keyOf('zrec', oldBody)))?.status === 'unmatched' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const expired = await store.get(keyOf('zrec', oldBody));
    expect(expired).toMatchObject({ status: 'expired', sessionId: null });
    expect(expired?.body).not.toContain('download_token');
    // Several sweeps later (one a second here) the waiting session of the old recording has still not taken it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await quorum.zoomCloud.idle();
    expect((await quorum.sessions.get(oldSession.id))?.state).toBe('awaiting_cloud_recording');
    expect(Object.values(zoom.downloads(old.meetingId))).toEqual([0]);
    expect(Object.values(zoom.downloads(fresh.meetingId))).toEqual([1]);
    expect((await api(quorum, 'POST', `/v1/sessions/${oldSession.id}/stop`, { reason: 'test over' })).status).toBeLessThan(300);
  });

  it('stop on a fetching session ends the fetch (stopped_by_operator) and keeps the files already stored', async () => {
    let release: (() => void) | undefined;
    const slow = await countingServer((req, res) => {
      if (req.url?.startsWith('/fast')) return void res.writeHead(200).end('first file');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('the start of a long file');
      release = () => res.destroy();
    });
    // A second fetcher in this process whose downloads go to the slow server; it hears stops as main.ts wires them.
    const cloud = new ZoomCloud({
      db: quorum.store.db,
      sessions: quorum.sessions,
      artifacts: quorum.artifacts,
      companies: quorum.companies,
      logger: quorum.logger,
      workerId: 'another-host:1:fetcher',
      leaseSeconds: 60,
      waitSeconds: 600,
      downloadAttempts: 1,
      downloadBackoffMs: 0,
      trustedOrigins: [slow.origin],
    });
    const unsubscribe = quorum.bus.subscribe(topics.control, (message) => {
      const { sessionId, endCode } = message as { sessionId: string; endCode: 'stopped_by_operator' };
      cloud.abort(sessionId, endCode);
    });
    try {
      const meeting = meetingNumber();
      const { session } = await requestRecording(quorum, 'zrec', `https://acme.zoom.us/j/${meeting}?pwd=x`, 30, -60_000);
      await waitForState(quorum, session.id, 'awaiting_cloud_recording');
      const body = recordingBody(meeting, [`${slow.origin}/fast`, `${slow.origin}/slow`]);
      await cloud.deliveries.accept({ key: keyOf('zrec', body), companyId: 'zrec', event: 'recording.completed', body, now: new Date() });
      cloud.enqueue(keyOf('zrec', body));
      await waitForState(quorum, session.id, 'fetching');
      const deadline = Date.now() + 20_000;
      // The second file's download has started (its URL carries the token as a query).
      while (!slow.hits.some((hit) => hit.startsWith('/slow')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await api(quorum, 'POST', `/v1/sessions/${session.id}/stop`, { reason: 'enough' })).status).toBeLessThan(300);
      expect(await waitForEnd(quorum, session.id, 20_000)).toMatchObject({ state: 'failed', endCode: 'stopped_by_operator' });
      const artifacts = await quorum.artifacts.list(session.id);
      expect(artifacts).toHaveLength(1);
      expect(await cloud.deliveries.get(keyOf('zrec', body))).toMatchObject({ status: 'failed', sessionId: session.id });
    } finally {
      unsubscribe();
      release?.();
      await cloud.close();
      await slow.close();
    }
  });
});
