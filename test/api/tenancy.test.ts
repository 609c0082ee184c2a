import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/eligibility/check.js';
import type { Quorum } from '../../src/main.js';
import { startQuorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { api, startTestQuorum, testConfig } from '../helpers/quorum.js';
import { waitForEnd } from '../helpers/sessions.js';
import { companyDoc, createCompany, inAnHour } from './tenancy-fixtures.js';

type View = { company: Record<string, unknown>; providerStatus: Record<string, { enabled: boolean; errors: Array<{ code: string; setting: string }>; warnings: Array<{ code: string }> }> };

describe('tenancy admin API', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum({ QUORUM_RETIRED_ASSISTANT_ADDRESSES: 'assistant@quorum.example', QUORUM_LEAD_SECONDS: 0 });
    await createCompany(quorum, 'acme', 'Acme');
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('keeps assistant addresses unique and refuses the retired generic address', async () => {
    expect((await api(quorum, 'POST', '/v1/companies', companyDoc('acme', 'Again'))).status).toBe(409);
    const taken = await api<{ error: string }>(quorum, 'PUT', '/v1/companies/globex', { ...companyDoc('globex', 'Globex'), assistantAddress: 'Assistant@Acme.example' });
    expect(taken).toMatchObject({ status: 409, body: { error: 'assistant_address_taken' } });
    const retired = await api<{ error: string }>(quorum, 'PUT', '/v1/companies/globex', { ...companyDoc('globex', 'Globex'), assistantAddress: 'assistant@quorum.example' });
    expect(retired).toMatchObject({ status: 422, body: { error: 'assistant_address_retired' } });
    expect((await api(quorum, 'PUT', '/v1/companies/globex', companyDoc('globex', 'Globex'))).status).toBe(201);
    expect((await api(quorum, 'PATCH', '/v1/companies/globex', { botName: 'Globex Scribe' })).body).toMatchObject({ company: { botName: 'Globex Scribe' } });
  });

  it('names the field of an invalid document, and rejects dangling profile references', async () => {
    const bad = await api<{ error: string; message: string }>(quorum, 'PUT', '/v1/companies/acme/users/new@acme.example', { seat: 'yes', permissionProfile: 'nope', recordable: true });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('users["new@acme.example"].seat');
    const dangling = await api<{ message: string }>(quorum, 'PUT', '/v1/companies/acme/users/new@acme.example', { seat: true, permissionProfile: 'nope', recordable: true });
    expect(dangling.body.message).toContain('users["new@acme.example"].permissionProfile: no permission profile "nope"');
    const added = await api<View>(quorum, 'PUT', '/v1/companies/acme/users/New@Acme.example', { seat: true, permissionProfile: 'rec', recordable: false });
    expect(added.status).toBe(200);
    expect((added.body.company.users as Record<string, unknown>)['new@acme.example']).toMatchObject({ email: 'New@Acme.example', seat: true });
    expect((await api(quorum, 'DELETE', '/v1/companies/acme/permission-profiles/rec')).status).toBe(400);
    expect((await api(quorum, 'DELETE', '/v1/companies/acme/users/new@acme.example')).status).toBe(200);
  });

  it('validates provider settings into errors and warnings, and keeps masked secrets', async () => {
    const zoom = await api<View>(quorum, 'PUT', '/v1/companies/acme/providers/zoom', { enabled: true, mode: 'cloud', accountId: 'acc', clientId: 'cid' });
    expect(zoom.body.providerStatus.zoom?.errors.map((e) => e.setting)).toEqual(['providers.zoom.clientSecret', 'providers.zoom.webhookSecretToken']);
    const teams = await api<View>(quorum, 'PATCH', '/v1/companies/acme/providers/teams', { enabled: true, authenticatedBot: { enabled: true } });
    expect(teams.body.providerStatus.teams?.errors.map((e) => e.code)).toEqual(['bot_account_missing']);
    const webex = await api<View>(quorum, 'PATCH', '/v1/companies/acme/providers/webex', { enabled: true });
    expect(webex.body.providerStatus.webex?.errors.map((e) => e.code)).toEqual(['webex_site_missing']);
    expect(webex.body.providerStatus.webex?.warnings.map((w) => w.code)).toEqual(['authenticated_bot_off']);
    const withSecret = await api<View>(quorum, 'PATCH', '/v1/companies/acme/providers/zoom', { clientSecret: 's3cret', webhookSecretToken: 'wh-s3cret' });
    expect(withSecret.body.providerStatus.zoom?.errors).toEqual([]);
    expect(JSON.stringify(withSecret.body)).not.toContain('s3cret');
    // The document as shown (secrets masked) written back keeps the stored secrets.
    const shown = await api<View>(quorum, 'GET', '/v1/companies/acme');
    expect((await api<View>(quorum, 'PUT', '/v1/companies/acme', shown.body.company)).body.providerStatus.zoom?.errors).toEqual([]);
    const status = await api<{ companies: Array<{ companyId: string; providers: View['providerStatus'] }> }>(quorum, 'GET', '/v1/providers/status?companyId=acme');
    expect(status.body.companies[0]?.providers.teams?.errors.map((e) => e.code)).toEqual(['bot_account_missing']);
    await api(quorum, 'PATCH', '/v1/companies/acme/providers/teams', { enabled: false, authenticatedBot: { enabled: false } });
    await api(quorum, 'PATCH', '/v1/companies/acme/providers/zoom', { enabled: false });
  });

  it('plans an eligible request with its Decision, refuses an ineligible one with 422 and the Decision', async () => {
    const asked = await api<{ session: Session; decision: Decision }>(quorum, 'POST', '/v1/companies/acme/recording-requests', { meetingUrl: 'https://meet.google.com/acm-ebos-sss', requesterEmail: 'boss@acme.example', title: 'Pipeline', ...inAnHour() });
    expect(asked.status).toBe(201);
    expect(asked.body.session).toMatchObject({ requestedBy: 'boss@acme.example', provider: 'meet', plan: 'bot', title: 'Pipeline' });
    const detail = await api<{ decision: Decision }>(quorum, 'GET', `/v1/sessions/${asked.body.session.id}`);
    expect(detail.body.decision).toMatchObject({ eligible: true, path: 'manual', plan: 'bot', provider: 'meet' });
    const refused = await api<{ error: string; decision: Decision }>(quorum, 'POST', '/v1/companies/acme/recording-requests', { meetingUrl: 'https://meet.google.com/acm-evie-www', requesterEmail: 'viewer@acme.example', ...inAnHour() });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('requester_lacks_manual_permission');
    expect(refused.body.decision.reasons[0]?.setting).toBe('permissionProfiles.view.manualScheduleAndUpload');
    await api(quorum, 'POST', `/v1/sessions/${asked.body.session.id}/stop`, {});
  });

  it('runs the check again right before the join: a provider turned off since ends the session with that code', async () => {
    const start = new Date(Date.now() + 4000).toISOString();
    const asked = await api<{ session: Session }>(quorum, 'POST', '/v1/companies/acme/recording-requests', { meetingUrl: 'https://meet.google.com/acm-elat-eee', requesterEmail: 'boss@acme.example', startsAt: start });
    expect(asked.status).toBe(201);
    await api(quorum, 'PATCH', '/v1/companies/acme/providers/meet', { enabled: false });
    const ended = await waitForEnd(quorum, asked.body.session.id, 30_000);
    await api(quorum, 'PATCH', '/v1/companies/acme/providers/meet', { enabled: true });
    expect(ended).toMatchObject({ state: 'cancelled', endCode: 'provider_disabled' });
    const event = (await quorum.sessions.timeline(ended.id)).find((e) => e.code === 'not_eligible_at_join');
    expect((event?.details?.reasons as Array<{ setting: string }>)[0]?.setting).toBe('providers.meet.enabled');
  });
});

describe('QUORUM_COMPANIES_FILE', () => {
  it('loads companies at start, and a bad file stops the start naming the path and field', async () => {
    const good = testConfig();
    const file = join(good.QUORUM_DATA_DIR, 'companies.json');
    writeFileSync(file, JSON.stringify({ companies: [companyDoc('initech', 'Initech')] }));
    const quorum = await startQuorum({ ...good, QUORUM_COMPANIES_FILE: file });
    try {
      const view = await api<{ company: { users: Record<string, unknown> } }>(quorum, 'GET', '/v1/companies/initech');
      expect(Object.keys(view.body.company.users)).toContain('boss@initech.example');
    } finally {
      await quorum.close();
    }
    const broken = companyDoc('initech', 'Initech');
    writeFileSync(file, JSON.stringify({ companies: [{ ...broken, users: { 'x@initech.example': { email: 'x@initech.example', seat: true, permissionProfile: 'ghost', recordable: true } } }] }));
    const bad = testConfig();
    await expect(startQuorum({ ...bad, QUORUM_COMPANIES_FILE: file })).rejects.toThrow(`QUORUM_COMPANIES_FILE (${file}): companies[0].users["x@initech.example"].permissionProfile`);
    writeFileSync(file, JSON.stringify({ companies: [companyDoc('a1', 'A1'), { ...companyDoc('a2', 'A2'), assistantAddress: 'assistant@a1.example' }] }));
    await expect(startQuorum({ ...bad, QUORUM_COMPANIES_FILE: file })).rejects.toThrow('companies[1].assistantAddress');
  });
});
