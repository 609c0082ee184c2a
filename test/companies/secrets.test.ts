import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanyStore } from '../../src/companies/company-store.js';
import { SettingsCipher, settingsCipherFor } from '../../src/companies/secrets.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

const settings = {
  botName: 'Acme Notetaker',
  providers: {
    teams: { enabled: true, authenticatedBot: { enabled: true, account: { email: 'bot@acme.example', password: 'hunter2-teams' } } },
    zoom: { enabled: true, mode: 'cloud', clientId: 'client-id', clientSecret: 'zoom-client-secret', webhookSecretToken: 'zoom-webhook-token' },
  },
};

describe('company secrets at rest', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore('sqlite');
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('stores every credential sealed and reads it back opened; other fields stay as written', async () => {
    const companies = new CompanyStore(t.store.db, settingsCipherFor(undefined, t.dir));
    await companies.put({ id: 'acme', name: 'Acme', assistantAddress: 'assistant@acme.example', settings });
    const row = await t.store.db.selectFrom('companies').select('settings').where('id', '=', 'acme').executeTakeFirstOrThrow();
    for (const secret of ['hunter2-teams', 'zoom-client-secret', 'zoom-webhook-token']) expect(row.settings).not.toContain(secret);
    expect(row.settings).toContain('bot@acme.example');
    expect(row.settings).toContain('client-id');
    expect((await companies.get('acme'))?.settings).toEqual(settings);
    // The same key file serves the next start (and every process sharing the data directory).
    expect((await new CompanyStore(t.store.db, settingsCipherFor(undefined, t.dir)).get('acme'))?.settings).toEqual(settings);
  });

  it('reads a secret sealed with another key as missing, so the bot reports missing credentials instead of a garbled password', async () => {
    await new CompanyStore(t.store.db, new SettingsCipher('the-first-key-0123456789')).put({ id: 'acme', name: 'Acme', assistantAddress: 'assistant@acme.example', settings });
    const read = await new CompanyStore(t.store.db, new SettingsCipher('another-key-0123456789')).get('acme');
    expect(read?.settings).toMatchObject({ providers: { teams: { authenticatedBot: { account: { email: 'bot@acme.example' } } } } });
    expect(JSON.stringify(read?.settings)).not.toContain('password');
  });
});
