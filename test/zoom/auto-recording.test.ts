import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Decision } from '../../src/eligibility/check.js';
import { tableResolver } from '../../src/intake/dns.js';
import type { InboundResult } from '../../src/intake/inbound.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { until } from '../helpers/net.js';
import { adminToken, testConfig } from '../helpers/quorum.js';
import { inviteMail, startSink, type Sink } from '../intake/mail.js';
import type { ZoomApiSim } from '../sim/zoom/api.js';
import { createZoomCompany, requestRecording, webhookSecret } from './fixtures.js';
import { meetingNumber } from './helpers.js';

const mailKey = createDkimKey('zauto.example');
const warning = 'cloud recording is not set to start automatically for this meeting: the host must start Record to the cloud, or turn on automatic cloud recording in Zoom';
const checkOf = (decision: Decision | Record<string, unknown>): Check | undefined => (decision as Decision).checks.find((check) => check.rule === 'zoom_meeting_outside_account');

/**
 * Zoom cloud mode fetches a recording only if Zoom makes one: a meeting whose `settings.auto_recording` is not
 * `cloud` records only when the host presses Record to the cloud. The answer Quorum already asks for (is the meeting
 * the account's?) says so; the request is still planned, with a warning the requester sees in the API's Decision
 * and in the e-mail reply. The simulated Zoom answers auto_recording per meeting.
 */
describe('a Zoom cloud meeting that does not record by itself', () => {
  let quorum: Quorum;
  let zoom: ZoomApiSim;
  let sink: Sink;

  beforeAll(async () => {
    sink = await startSink();
    quorum = await startQuorum(testConfig({ QUORUM_SIMULATE: true, QUORUM_LEAD_SECONDS: 0, QUORUM_SMTP_RELAY_URL: sink.url, QUORUM_RECURRENCE_HORIZON_DAYS: 30 }), { dnsResolver: tableResolver(mailKey.dns) });
    if (!quorum.simulator) throw new Error('no simulator');
    zoom = quorum.simulator.zoomApi;
    await createZoomCompany(quorum, 'zauto', { mode: 'cloud' }, zoom);
  });
  afterAll(async () => {
    await quorum?.close();
    await sink?.close();
  });

  it('auto_recording "none" or "local": scheduled zoom_cloud, the check passed with the warning', async () => {
    const none = meetingNumber();
    zoom.autoRecording(none, 'none');
    const local = zoom.cloudRecording({ autoRecording: 'local', startTime: new Date(Date.now() + 3_600_000).toISOString(), webhook: { url: `${quorum.url}/v1/webhooks/zoom/zauto`, secret: webhookSecret, afterMs: 600_000 } });
    for (const [number, value] of [[none, 'none'], [local.meetingId, 'local']] as const) {
      const { session, decision } = await requestRecording(quorum, 'zauto', `https://acme.zoom.us/j/${number}?pwd=x`, 30, 3_600_000);
      expect(session).toMatchObject({ plan: 'zoom_cloud', state: 'scheduled' });
      expect(decision).toMatchObject({ eligible: true, plan: 'zoom_cloud', reasons: [] });
      const check = checkOf(decision);
      expect(check).toMatchObject({ passed: true });
      expect(check?.skipped).toBeUndefined();
      expect(check?.warning).toContain(warning);
      expect(check?.warning).toContain(`"${value}"`);
      expect(check?.message).toContain(warning);
      expect(zoom.calls.filter((call) => call === `GET /v2/meetings/${number}`)).toHaveLength(1);
    }
  });

  it('auto_recording "cloud" (the simulator\'s default): no warning', async () => {
    const { decision } = await requestRecording(quorum, 'zauto', `https://acme.zoom.us/j/${meetingNumber()}?pwd=x`, 30, 3_600_000);
    const check = checkOf(decision);
    expect(check).toMatchObject({ passed: true });
    expect(check?.warning).toBeUndefined();
    expect(check?.message).not.toContain('Warning');
  });

  it('an e-mailed series is planned, and the reply says once what the host must do', async () => {
    const number = meetingNumber();
    zoom.autoRecording(number, 'local');
    const start = new Date(Math.floor((Date.now() + 86_400_000) / 60_000) * 60_000);
    const spec = { uid: 'manual-record-series', start, organizer: 'boss@zauto.example', link: `https://acme.zoom.us/j/${number}?pwd=x`, rrule: 'FREQ=WEEKLY;COUNT=3', summary: 'Board review' };
    const raw = await signMessage(inviteMail(spec, { from: 'boss@zauto.example', to: 'assistant@zauto.example' }), mailKey);
    const response = await fetch(`${quorum.url}/v1/inbound/email?to=assistant@zauto.example`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'message/rfc822' }, body: new Uint8Array(raw) });
    const result = (await response.json()) as InboundResult;
    const occurrences = result.events[0]?.occurrences ?? [];
    expect(occurrences).toHaveLength(3);
    for (const occurrence of occurrences) expect(occurrence.sessionId).toBeDefined();
    expect(zoom.calls.filter((call) => call === `GET /v2/meetings/${number}`)).toHaveLength(1);
    const reply = await until('the reply to boss@zauto.example', () => Promise.resolve(sink.mails.find((mail) => /Board review/.test(mail.subject ?? ''))), 20_000);
    expect(reply.text?.match(/will be recorded/g)).toHaveLength(3);
    expect(reply.text?.match(/Warning: /g)).toHaveLength(1);
    expect(reply.text?.replace(/\s+/g, ' ')).toContain(`Warning: ${warning}`);
  });
});
