import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Decision } from '../../src/eligibility/check.js';
import { tableResolver } from '../../src/intake/dns.js';
import type { InboundResult } from '../../src/intake/inbound.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { until } from '../helpers/net.js';
import { adminToken, api, testConfig } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import { inviteMail, startSink, type Sink } from '../intake/mail.js';
import type { ZoomApiSim } from '../sim/zoom/api.js';
import { createZoomCompany, requestRecording } from './fixtures.js';
import { countingServer, meetingNumber, type CountingServer } from './helpers.js';

const mailKey = createDkimKey('zmail.example');
const rule = 'zoom_meeting_outside_account';
const checkOf = (decision: Decision | Record<string, unknown>): Check | undefined => (decision as Decision).checks.find((check) => check.rule === rule);

/**
 * Zoom cloud mode records only meetings hosted in the company's own Zoom account; Quorum asks Zoom's API when the
 * recording is requested (the simulated Zoom answers 404, code 3001, for a meeting registered as hosted elsewhere),
 * through the real HTTP API and e-mail intake, and again right before the meeting.
 */
describe('a Zoom cloud meeting outside the company account', () => {
  let quorum: Quorum;
  let zoom: ZoomApiSim;
  let sink: Sink;
  let unavailable: CountingServer;

  beforeAll(async () => {
    sink = await startSink();
    unavailable = await countingServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":503,"message":"Service unavailable"}'));
    quorum = await startQuorum(testConfig({ QUORUM_SIMULATE: true, QUORUM_LEAD_SECONDS: 0, QUORUM_SMTP_RELAY_URL: sink.url, QUORUM_RECURRENCE_HORIZON_DAYS: 60 }), { dnsResolver: tableResolver(mailKey.dns) });
    if (!quorum.simulator) throw new Error('no simulator');
    zoom = quorum.simulator.zoomApi;
    await createZoomCompany(quorum, 'zin', { mode: 'cloud' }, zoom);
    await createZoomCompany(quorum, 'zdown', { mode: 'cloud', apiBaseUrl: `${unavailable.origin}/v2` }, zoom);
    await createZoomCompany(quorum, 'zlate', { mode: 'cloud', apiBaseUrl: `${unavailable.origin}/v2` }, zoom);
    await createZoomCompany(quorum, 'zmail', { mode: 'cloud' }, zoom);
  });
  afterAll(async () => {
    await quorum?.close();
    await Promise.all([sink?.close(), unavailable?.close()]);
  });

  const sessionCount = async () => (await quorum.store.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  it('an API request is refused at once with the new reason, and nothing is scheduled', async () => {
    const before = await sessionCount();
    const outside = zoom.hostedElsewhere();
    const startsAt = new Date(Date.now() + 3_600_000);
    const response = await api<{ error: string; message: string; decision: Decision }>(quorum, 'POST', '/v1/companies/zin/recording-requests', {
      meetingUrl: outside.joinUrl,
      requesterEmail: 'boss@zin.example',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 1_800_000).toISOString(),
    });
    expect(response.status).toBe(422);
    expect(response.body.error).toBe(rule);
    expect(response.body.decision).toMatchObject({ eligible: false, plan: 'none', provider: 'zoom' });
    expect(response.body.decision.reasons).toEqual([expect.objectContaining({ code: rule, setting: 'providers.zoom.mode' })]);
    expect(response.body.message).toContain('Ask the host to invite Quorum');
    expect(response.body.message).toContain('"local"');
    expect(zoom.calls).toContain(`GET /v2/meetings/${outside.meetingId}`);
    expect(await sessionCount()).toBe(before);
  });

  it('a meeting of the account is scheduled zoom_cloud, the check passed', async () => {
    const { session, decision } = await requestRecording(quorum, 'zin', `https://acme.zoom.us/j/${meetingNumber()}?pwd=x`, 30, 3_600_000);
    expect(session).toMatchObject({ plan: 'zoom_cloud', state: 'scheduled' });
    expect(checkOf(decision)).toMatchObject({ passed: true });
    expect(checkOf(decision)?.skipped).toBeUndefined();
  });

  it('Zoom unavailable: scheduled as before, the check recorded as not verified with why', async () => {
    const number = meetingNumber();
    const { session, decision } = await requestRecording(quorum, 'zdown', `https://acme.zoom.us/j/${number}?pwd=x`, 30, 3_600_000);
    expect(session).toMatchObject({ plan: 'zoom_cloud', state: 'scheduled' });
    expect(decision).toMatchObject({ eligible: true, plan: 'zoom_cloud' });
    expect(checkOf(decision)).toMatchObject({ passed: true, skipped: 'not_verified' });
    expect(checkOf(decision)?.message).toContain('503');
    expect(unavailable.hits).toContain(`/v2/meetings/${number}`);
  });

  it('the check before the meeting asks again: Zoom down at the request, outside at the meeting → cancelled', async () => {
    const outside = zoom.hostedElsewhere();
    const { session, decision } = await requestRecording(quorum, 'zlate', outside.joinUrl, 1, 4_000);
    expect(checkOf(decision)).toMatchObject({ skipped: 'not_verified' });
    expect((await api(quorum, 'PATCH', '/v1/companies/zlate/providers/zoom', { apiBaseUrl: `${zoom.url}/v2` }, adminToken)).status).toBe(200);
    const ended = await waitForEnd(quorum, session.id, 30_000);
    expect(ended).toMatchObject({ state: 'cancelled', endCode: rule });
    expect((await quorum.sessions.timeline(session.id)).map((event) => event.to)).toEqual(['scheduled', 'cancelled']);
  });

  it('an e-mailed weekly series is refused in the reply, every occurrence, with one question to Zoom', async () => {
    const outside = zoom.hostedElsewhere();
    const start = new Date(Math.floor((Date.now() + 86_400_000) / 60_000) * 60_000);
    const spec = { uid: 'outside-series', start, organizer: 'boss@zmail.example', link: outside.joinUrl, rrule: 'FREQ=WEEKLY;COUNT=6', summary: 'Partner sync' };
    const raw = await signMessage(inviteMail(spec, { from: 'boss@zmail.example', to: 'assistant@zmail.example' }), mailKey);
    const response = await fetch(`${quorum.url}/v1/inbound/email?to=assistant@zmail.example`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'message/rfc822' }, body: new Uint8Array(raw) });
    const result = (await response.json()) as InboundResult;
    const occurrences = result.events[0]?.occurrences ?? [];
    expect(occurrences).toHaveLength(6);
    for (const occurrence of occurrences) {
      expect(occurrence.sessionId).toBeUndefined();
      expect(occurrence.decision?.reasons.map((reason) => reason.code)).toEqual([rule]);
    }
    expect(zoom.calls.filter((call) => call === `GET /v2/meetings/${outside.meetingId}`)).toHaveLength(1);
    const reply = await until('the reply to boss@zmail.example', () => Promise.resolve(sink.mails.find((mail) => /Partner sync/.test(mail.subject ?? ''))), 20_000);
    expect(reply.text).toContain('will NOT be recorded');
    expect(reply.text).toContain('Ask the host to invite Quorum');
  });
});
