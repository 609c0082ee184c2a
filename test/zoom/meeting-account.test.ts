import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme } from '../../src/eligibility/test-fixtures.js';
import type { CompanySettings } from '../../src/eligibility/settings.js';
import { ZoomMeetingAccounts, type ZoomMeetingAccountsOptions } from '../../src/zoom/meeting-account.js';
import { ZoomApiSim } from '../sim/zoom/api.js';
import { countingServer, meetingNumber, type CountingServer } from './helpers.js';

/**
 * Asking Zoom whether the company's own account hosts a meeting, against the simulated Zoom API over real HTTP:
 * in the account, outside it, Zoom unreachable in every way (never refused for it), and the cache.
 */
describe('ZoomMeetingAccounts: is the meeting in the company Zoom account?', () => {
  let zoom: ZoomApiSim;
  let unavailable: CountingServer;
  let silent: CountingServer;

  beforeAll(async () => {
    zoom = new ZoomApiSim();
    await zoom.start();
    unavailable = await countingServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":503,"message":"Service unavailable"}'));
    silent = await countingServer(() => undefined);
  });
  afterAll(async () => {
    await Promise.all([zoom.close(), unavailable.close(), silent.close()]);
  });

  function accounts(options: Partial<ZoomMeetingAccountsOptions> = {}) {
    const warnings: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (warnings.push(chunk.toString()), done()) });
    return { accounts: new ZoomMeetingAccounts({ log: pino({ level: 'warn' }, sink), ...options }), warnings };
  }

  function company(id: string, zoomSettings: Record<string, unknown> = zoom.companySettings()): CompanySettings {
    return acme((c) => {
      c.id = id;
      c.providers.zoom = { enabled: true, mode: 'cloud', ...zoomSettings };
    });
  }

  const ask = (subject: ZoomMeetingAccounts, settings: CompanySettings, number: string) =>
    subject.lookup({ company: settings, provider: 'zoom', joinUrl: `https://acme.zoom.us/j/${number}?pwd=x` });
  const lookupsOf = (number: string) => zoom.calls.filter((call) => call === `GET /v2/meetings/${number}`).length;

  it('answers inside for a meeting of the account and outside for one hosted elsewhere (404, code 3001)', async () => {
    const { accounts: subject, warnings } = accounts();
    const own = meetingNumber();
    expect(await ask(subject, company('in'), own)).toEqual({ hosted: 'inside', autoRecording: 'cloud' });
    const other = zoom.hostedElsewhere();
    const outside = await ask(subject, company('in'), other.meetingId);
    expect(outside).toMatchObject({ hosted: 'outside' });
    expect(outside.hosted === 'outside' && outside.detail).toContain('code 3001');
    expect(lookupsOf(own)).toBe(1);
    expect(zoom.calls).toContain('POST /oauth/token');
    expect(warnings).toEqual([]);
  });

  it("reads the meeting's auto_recording from the same answer, and caches it with the answer", async () => {
    const { accounts: subject } = accounts();
    const manual = meetingNumber();
    zoom.autoRecording(manual, 'local');
    const none = meetingNumber();
    zoom.autoRecording(none, 'none');
    const settings = company('autorec');
    expect(await ask(subject, settings, manual)).toEqual({ hosted: 'inside', autoRecording: 'local' });
    expect(await ask(subject, settings, none)).toEqual({ hosted: 'inside', autoRecording: 'none' });
    zoom.autoRecording(manual, 'cloud');
    expect(await ask(subject, settings, manual)).toEqual({ hosted: 'inside', autoRecording: 'local' });
    // One call per meeting: the host account and auto_recording come from one GET /meetings/{id}.
    expect(zoom.calls.filter((call) => call.startsWith(`GET /v2/meetings/${manual}`))).toEqual([`GET /v2/meetings/${manual}`]);
    expect(zoom.calls.filter((call) => call.startsWith(`GET /v2/meetings/${none}`))).toHaveLength(1);
  });

  it('asks once per company and meeting number: a series of 50 occurrences, some at once, is one call', async () => {
    const { accounts: subject } = accounts();
    const number = zoom.hostedElsewhere().meetingId;
    const settings = company('series');
    await Promise.all([ask(subject, settings, number), ask(subject, settings, number)]);
    for (let occurrence = 0; occurrence < 48; occurrence += 1) expect(await ask(subject, settings, number)).toMatchObject({ hosted: 'outside' });
    expect(lookupsOf(number)).toBe(1);
    // Another company with the same meeting number has its own answer (its own account).
    await ask(subject, company('other-company'), number);
    expect(lookupsOf(number)).toBe(2);
  });

  it('a refused token, 5xx and a closed port are unverified with why, logged as warnings, never outside', async () => {
    const { accounts: subject, warnings } = accounts();
    const number = meetingNumber();
    const refused = await ask(subject, company('badsecret', { ...zoom.companySettings(), clientSecret: 'wrong' }), number);
    expect(refused).toMatchObject({ hosted: 'unverified' });
    expect(refused.hosted === 'unverified' && refused.why).toContain('token request failed: 400');
    const apiDown = await ask(subject, company('api503', { ...zoom.companySettings(), apiBaseUrl: `${unavailable.origin}/v2` }), number);
    expect(apiDown.hosted === 'unverified' && apiDown.why).toContain('503');
    expect(unavailable.hits).toContain(`/v2/meetings/${number}`);
    const closed = await ask(subject, company('closed', { ...zoom.companySettings(), apiBaseUrl: 'http://127.0.0.1:9/v2', oauthBaseUrl: 'http://127.0.0.1:9' }), number);
    expect(closed).toMatchObject({ hosted: 'unverified' });
    expect(warnings).toHaveLength(3);
    expect(warnings.every((line) => line.includes('could not ask Zoom'))).toBe(true);
    expect(warnings.join('')).not.toContain('wrong');
  });

  it('gives up after the deadline, and remembers that only briefly', async () => {
    const { accounts: subject } = accounts({ timeoutMs: 300, unverifiedTtlMs: 400 });
    const settings = company('slow', { ...zoom.companySettings(), apiBaseUrl: `${silent.origin}/v2` });
    const number = meetingNumber();
    const started = Date.now();
    const answer = await ask(subject, settings, number);
    expect(answer.hosted === 'unverified' && answer.why).toContain('did not answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(5_000);
    await ask(subject, settings, number);
    expect(silent.hits.filter((hit) => hit === `/v2/meetings/${number}`)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 450));
    await ask(subject, settings, number);
    expect(silent.hits.filter((hit) => hit === `/v2/meetings/${number}`)).toHaveLength(2);
  });

  it('without Server-to-Server credentials, or for a webinar link, Zoom is not asked', async () => {
    const { accounts: subject } = accounts();
    const before = zoom.calls.length;
    const noCredentials = await ask(subject, company('nocreds', { webhookSecretToken: 'x' }), meetingNumber());
    expect(noCredentials.hosted === 'unverified' && noCredentials.why).toContain('no Server-to-Server OAuth credentials');
    const webinar = await subject.lookup({ company: company('webinar'), provider: 'zoom', joinUrl: `https://acme.zoom.us/w/${meetingNumber()}` });
    expect(webinar.hosted === 'unverified' && webinar.why).toContain('webinar');
    expect(zoom.calls.length).toBe(before);
  });
});
