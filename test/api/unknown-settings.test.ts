import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import { api, startTestQuorum } from '../helpers/quorum.js';

/** A misspelled setting used to answer 200 and be dropped: the company ran without it and nobody was told. */
describe('settings Quorum does not know', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum();
    // Stored straight, as an older version might have: a field today's schema does not read.
    await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: 'assistant@acme.example', settings: { ...defaultCompanySettings(), legacyFlag: true } });
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('refuses a misspelled field in a whole document, a part, or a provider, naming each', async () => {
    const document = { ...defaultCompanySettings(), name: 'Globex', assistantAddress: 'assistant@globex.example', otherBotName: ['Globex Recorder'] };
    const put = await api<{ error: string; message: string }>(quorum, 'PUT', '/v1/companies/globex', document);
    expect(put).toMatchObject({ status: 400, body: { error: 'invalid_settings' } });
    expect(put.body.message).toBe('otherBotName: not a setting Quorum knows (misspelled?)');
    expect((await api(quorum, 'GET', '/v1/companies/globex')).status).toBe(404);

    const provider = await api<{ message: string }>(quorum, 'PATCH', '/v1/companies/acme/providers/meet', { enabeld: true, authenticatedBot: { enabled: false, acount: {} } });
    expect(provider.status).toBe(400);
    expect(provider.body.message).toContain('providers.meet.enabeld: not a setting Quorum knows');
    expect(provider.body.message).toContain('providers.meet.authenticatedBot.acount: not a setting Quorum knows');
  });

  it('still takes a correct change to a company whose stored document holds an unknown field', async () => {
    const patched = await api<{ company: { botName: string } }>(quorum, 'PATCH', '/v1/companies/acme', { botName: 'Acme Notes' });
    expect(patched.status).toBe(200);
    expect(patched.body.company.botName).toBe('Acme Notes');
    // Meet's former key is read and moved, not refused.
    const legacy = await api(quorum, 'PATCH', '/v1/companies/acme/providers/meet', { enabled: true, signedInBot: { enabled: false } });
    expect(legacy.status).toBe(200);
  });
});
