import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { urlValidationAnswer, zoomSignature } from '../../src/zoom/signature.js';
import { startTestQuorum } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import type { ZoomApiSim } from '../sim/zoom/api.js';
import { createZoomCompany, requestRecording, webhookSecret } from './fixtures.js';
import { keyOf, meetingNumber } from './helpers.js';

/** A signed event of Zoom account `accountId` that is no recording (nothing to fetch): it is only stored. */
function eventOf(accountId: string | undefined): string {
  const payload = { ...(accountId === undefined ? {} : { account_id: accountId }), object: { id: Number(meetingNumber()), uuid: `u-${meetingNumber()}` } };
  return JSON.stringify({ event: 'meeting.started', event_ts: Date.now(), payload });
}

const validation = (plainToken: string) => JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken }, event_ts: Date.now() });
const messageOf = (body: string) => (JSON.parse(body) as { message: string }).message;

/**
 * `POST /v1/webhooks/zoom`, the one URL DESIGN.md §6 names, next to the per-company URL: the company is found from
 * the event's `payload.account_id` and the signature its webhook secret makes; Zoom's url_validation, which names
 * no account, is answered for the one company whose secret signed it.
 */
describe('the shared Zoom webhook URL', () => {
  let quorum: Quorum;
  let zoom: ZoomApiSim;
  let shared: string;

  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_SIMULATE: true, QUORUM_LEAD_SECONDS: 0, QUORUM_ZOOM_CLOUD_WAIT_SECONDS: 30, QUORUM_RETRY_BACKOFF_SECONDS: 0.05 });
    if (!quorum.simulator) throw new Error('no simulator');
    zoom = quorum.simulator.zoomApi;
    shared = `${quorum.url}/v1/webhooks/zoom`;
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('with no company set up for Zoom webhooks it is a 404, whatever is sent', async () => {
    const answer = await zoom.sendSigned(shared, webhookSecret, validation('early'));
    expect(answer.status).toBe(404);
    expect(messageOf(answer.body)).toBe('no Zoom webhook is configured here');
  });

  it('a recording.completed of the company\'s account is fetched into its session, as through the per-company URL', async () => {
    // The simulated Zoom's events name its account, sim-account: zshared's providers.zoom.accountId.
    await createZoomCompany(quorum, 'zshared', { mode: 'cloud' }, zoom);
    const startTime = new Date(Date.now() - 60_000).toISOString();
    const viaShared = zoom.cloudRecording({ startTime, files: [{ type: 'M4A' }], webhook: { url: shared, secret: webhookSecret, afterMs: 1500 } });
    const viaCompany = zoom.cloudRecording({ startTime, files: [{ type: 'M4A' }], webhook: { url: `${shared}/zshared`, secret: webhookSecret, afterMs: 1500 } });
    const sessions = await Promise.all([viaShared, viaCompany].map(async (meeting) => (await requestRecording(quorum, 'zshared', meeting.joinUrl, 1, -59_000)).session));
    for (const session of sessions) expect(await waitForEnd(quorum, session.id, 30_000)).toMatchObject({ state: 'done' });
    for (const meeting of [viaShared, viaCompany]) expect(Object.values(zoom.downloads(meeting.meetingId))).toEqual([1]);
    const body = zoom.completedEvent({ meetingId: viaShared.meetingId });
    expect(await quorum.zoomCloud.deliveries.get(keyOf('zshared', body))).toMatchObject({ companyId: 'zshared', status: 'processed' });
  });

  it('finds each company by its Zoom account; the same event through both URLs is one delivery', async () => {
    await createZoomCompany(quorum, 'zalpha', { accountId: 'acct-alpha', webhookSecretToken: 'secret-alpha' }, zoom);
    await createZoomCompany(quorum, 'zbeta', { accountId: 'acct-beta', webhookSecretToken: 'secret-beta' }, zoom);
    const body = eventOf('acct-beta');
    const answer = await zoom.sendSigned(shared, 'secret-beta', body);
    expect(answer).toMatchObject({ status: 200 });
    expect(JSON.parse(answer.body)).toEqual({ received: true, duplicate: false });
    expect(await quorum.zoomCloud.deliveries.get(keyOf('zbeta', body))).toMatchObject({ companyId: 'zbeta', event: 'meeting.started' });
    expect(await quorum.zoomCloud.deliveries.get(keyOf('zalpha', body))).toBeUndefined();
    // Zoom's copy for a per-company subscription: a new timestamp and signature, the same content.
    const again = await zoom.sendSigned(`${shared}/zbeta`, 'secret-beta', body, { timestamp: String(Math.floor(Date.now() / 1000) - 1) });
    expect(JSON.parse(again.body)).toEqual({ received: true, duplicate: true });
  });

  it('refuses a signature of another company\'s secret, a forged or stale one (401) and a replay (409)', async () => {
    const body = eventOf('acct-beta');
    const refused = await zoom.sendSigned(shared, 'secret-alpha', body);
    expect(refused.status).toBe(401);
    expect(messageOf(refused.body)).toBe('signature forged');
    expect((await zoom.sendSigned(shared, 'secret-beta', body, { signature: 'v0=0000' })).status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const old = await zoom.sendSigned(shared, 'secret-beta', body, { timestamp: stale });
    expect(old.status).toBe(401);
    expect(messageOf(old.body)).toBe('signature stale');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = zoomSignature('secret-beta', timestamp, body);
    expect((await zoom.sendSigned(shared, 'secret-beta', body, { timestamp, signature })).status).toBe(200);
    expect((await zoom.sendSigned(shared, 'secret-beta', body, { timestamp, signature })).status).toBe(409);
  });

  it('an unknown account is a 404 saying what to set; an event without account_id or not an event, a 400', async () => {
    const unknown = await zoom.sendSigned(shared, 'secret-beta', eventOf('acct-nobody'));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: 'not_found' });
    expect(messageOf(unknown.body)).toContain('providers.zoom.accountId');
    expect(messageOf(unknown.body)).toContain('/v1/webhooks/zoom/<companyId>');
    const anonymous = await zoom.sendSigned(shared, 'secret-beta', eventOf(undefined));
    expect(anonymous.status).toBe(400);
    expect(messageOf(anonymous.body)).toContain('payload.account_id');
    expect((await zoom.sendSigned(shared, 'secret-beta', 'not json')).status).toBe(400);
  });

  it('answers url_validation with the secret that signed it, among several companies; an unsigned one is a 401', async () => {
    for (const secret of ['secret-alpha', 'secret-beta', webhookSecret]) {
      const answer = await zoom.sendSigned(shared, secret, validation(`plain-${secret}`));
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual(urlValidationAnswer(secret, `plain-${secret}`));
    }
    expect((await zoom.sendSigned(shared, 'a-secret-nobody-has', validation('x'))).status).toBe(401);
    expect((await zoom.sendSigned(shared, 'secret-beta', validation('x'), { signature: 'v0=' })).status).toBe(401);
  });

  it('companies sharing one secret cannot be told apart: 409, pointing at the per-company URL, which still works', async () => {
    await createZoomCompany(quorum, 'zgamma', { accountId: 'acct-twin', webhookSecretToken: 'twin-secret' }, zoom);
    await createZoomCompany(quorum, 'zdelta', { accountId: 'acct-twin', webhookSecretToken: 'twin-secret' }, zoom);
    for (const body of [validation('twin'), eventOf('acct-twin')]) {
      const answer = await zoom.sendSigned(shared, 'twin-secret', body);
      expect(answer.status).toBe(409);
      expect(messageOf(answer.body)).toContain('2 companies hold this webhook secret');
      expect(messageOf(answer.body)).toContain('/v1/webhooks/zoom/<companyId>');
    }
    const own = await zoom.sendSigned(`${shared}/zdelta`, 'twin-secret', validation('twin'));
    expect(JSON.parse(own.body)).toEqual(urlValidationAnswer('twin-secret', 'twin'));
    // One account, two companies with their own secrets: the signature says which.
    await createZoomCompany(quorum, 'zepsilon', { accountId: 'acct-twin', webhookSecretToken: 'epsilon-secret' }, zoom);
    const body = eventOf('acct-twin');
    expect((await zoom.sendSigned(shared, 'epsilon-secret', body)).status).toBe(200);
    expect(await quorum.zoomCloud.deliveries.get(keyOf('zepsilon', body))).toMatchObject({ companyId: 'zepsilon' });
  });
});
