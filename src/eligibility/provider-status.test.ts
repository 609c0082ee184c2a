import { describe, expect, it } from 'vitest';
import type { ProviderId } from '../../providers/types.js';
import { plannerByProvider } from './plan.js';
import { providerStatus } from './provider-status.js';
import type { CompanySettings } from './settings.js';
import { companySettingsSchema, defaultCompanySettings } from './settings.js';
import { acme } from './test-fixtures.js';

interface StatusCase {
  name: string;
  provider: ProviderId;
  mutate: (company: CompanySettings) => void;
  errors: string[];
  warnings: string[];
}

const cases: StatusCase[] = [
  { name: 'zoom cloud, fully set up', provider: 'zoom', mutate: () => {}, errors: [], warnings: [] },
  {
    name: 'zoom cloud without OAuth credentials or webhook secret',
    provider: 'zoom',
    mutate: (c) => (c.providers.zoom = { enabled: true, mode: 'cloud' }),
    errors: ['providers.zoom.accountId', 'providers.zoom.clientId', 'providers.zoom.clientSecret', 'providers.zoom.webhookSecretToken'],
    warnings: [],
  },
  {
    name: 'zoom local without SDK key and secret, hosts will be asked',
    provider: 'zoom',
    mutate: (c) => (c.providers.zoom = { enabled: true, mode: 'local' }),
    errors: ['providers.zoom.sdkKey', 'providers.zoom.sdkSecret'],
    warnings: ['providers.zoom.automaticRecordingPermission'],
  },
  {
    name: 'zoom local with automatic recording permission',
    provider: 'zoom',
    mutate: (c) => Object.assign(c.providers.zoom, { mode: 'local', automaticRecordingPermission: true }),
    errors: [],
    warnings: [],
  },
  {
    name: 'zoom local minting join tokens (automatic permission, authorizing user) without OAuth credentials',
    provider: 'zoom',
    mutate: (c) => (c.providers.zoom = { enabled: true, mode: 'local', sdkKey: 'k', sdkSecret: 's', automaticRecordingPermission: true, authorizingUserId: 'u1' }),
    errors: ['providers.zoom.accountId', 'providers.zoom.clientId', 'providers.zoom.clientSecret'],
    warnings: [],
  },
  {
    name: 'teams authenticated bot without an account',
    provider: 'teams',
    mutate: (c) => (c.providers.teams.authenticatedBot = { enabled: true }),
    errors: ['providers.teams.authenticatedBot.account'],
    warnings: [],
  },
  {
    name: 'teams without the authenticated bot (CAPTCHA and sign-in walls)',
    provider: 'teams',
    mutate: (c) => (c.providers.teams.authenticatedBot = { enabled: false }),
    errors: [],
    warnings: ['providers.teams.authenticatedBot.enabled'],
  },
  {
    name: 'webex without site and without an account for its authenticated bot',
    provider: 'webex',
    mutate: (c) => {
      delete c.providers.webex.site;
      c.providers.webex.authenticatedBot = { enabled: true };
    },
    errors: ['providers.webex.authenticatedBot.account', 'providers.webex.site'],
    warnings: [],
  },
  {
    name: 'webex anonymous',
    provider: 'webex',
    mutate: (c) => (c.providers.webex.authenticatedBot = { enabled: false }),
    errors: [],
    warnings: ['providers.webex.authenticatedBot.enabled'],
  },
  {
    name: 'meet signed-in bot without an account',
    provider: 'meet',
    mutate: (c) => (c.providers.meet.authenticatedBot = { enabled: true }),
    errors: ['providers.meet.authenticatedBot.account'],
    warnings: [],
  },
];

describe('providerStatus', () => {
  it.each(cases)('$name', ({ provider, mutate, errors, warnings }) => {
    const status = providerStatus(acme(mutate))[provider];
    expect(status.errors.map((issue) => issue.setting)).toEqual(errors);
    expect(status.warnings.map((issue) => issue.setting)).toEqual(warnings);
    for (const issue of [...status.errors, ...status.warnings]) expect(issue.message).toContain(issue.setting);
  });

  it('reports every provider, disabled ones too, with their toggle', () => {
    const status = providerStatus(defaultCompanySettings());
    expect(Object.keys(status).sort()).toEqual(['meet', 'teams', 'webex', 'zoom']);
    expect(status.meet).toEqual({ enabled: true, errors: [], warnings: [] });
    expect(status.zoom.enabled).toBe(false);
    expect(status.zoom.errors.length).toBeGreaterThan(0);
  });

  it('names the CAPTCHA risk in the anonymous-bot warning', () => {
    const status = providerStatus(acme((c) => (c.providers.teams.authenticatedBot = { enabled: false })));
    expect(status.teams.warnings[0]?.message).toMatch(/CAPTCHA/);
  });
});

describe('company settings', () => {
  it('the demo company parses and can record Meet', () => {
    const company = defaultCompanySettings({ adminEmail: 'Boss@Demo.example' });
    expect(company).toMatchObject({ assistantAddress: 'assistant@demo.example', emailDomains: ['demo.example'] });
    expect(company.users['boss@demo.example']).toMatchObject({ seat: true, permissionProfile: 'admin' });
    expect(company.consentProfiles.default?.enforceConsent).toBe(false);
  });

  it('rejects users pointing at missing profiles, naming the path', () => {
    const input = { ...defaultCompanySettings(), users: { 'x@acme.example': { email: 'x@acme.example', seat: true, permissionProfile: 'nope', consentProfile: 'gone', recordable: true } } };
    const result = companySettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'users.x@acme.example.permissionProfile',
      'users.x@acme.example.consentProfile',
    ]);
  });

  it('rejects a user key that is not the lower-case e-mail', () => {
    const input = { ...defaultCompanySettings(), users: { 'X@acme.example': { email: 'X@acme.example', seat: true, permissionProfile: 'admin', recordable: true } } };
    expect(companySettingsSchema.safeParse(input).success).toBe(false);
  });

  it('fills provider defaults so a minimal document is complete', () => {
    const company = companySettingsSchema.parse({ id: 'min', name: 'Min', assistantAddress: 'a@min.example', botName: 'Bot', providers: {} });
    expect(company.providers.zoom).toEqual({ enabled: false, mode: 'cloud' });
    expect(company.providers.teams.authenticatedBot).toEqual({ enabled: false });
    expect(company.automaticRecording.exclusions.privateMeetings).toBe(true);
  });

  it("reads Meet's former key signedInBot as authenticatedBot, the one key all providers share", () => {
    const account = { email: 'bot@acme.example', password: 'pw' };
    const legacy = { ...defaultCompanySettings(), providers: { meet: { enabled: true, signedInBot: { enabled: true, account } } } };
    const company = companySettingsSchema.parse(legacy);
    expect(company.providers.meet).toEqual({ enabled: true, authenticatedBot: { enabled: true, account } });
    expect(plannerByProvider.meet(company.providers).botJoin).toEqual({ signedIn: true, recordingPermission: 'not_needed' });
    const missing = companySettingsSchema.parse({ ...legacy, providers: { meet: { enabled: true, signedInBot: { enabled: true } } } });
    expect(providerStatus(missing).meet.errors.map((issue) => issue.setting)).toEqual(['providers.meet.authenticatedBot.account']);
  });

  it('takes a pool of accounts (accounts) in place of the one account, and refuses a bad one in it', () => {
    const pool = { enabled: true, accounts: [{ email: 'bot1@acme.example', password: 'pw' }, { email: 'bot2@acme.example', password: 'pw' }], meetingsPerAccount: 1 };
    const company = companySettingsSchema.parse({ ...defaultCompanySettings(), providers: { teams: { enabled: true, authenticatedBot: pool } } });
    expect(providerStatus(company).teams.errors).toEqual([]);
    const bad = companySettingsSchema.safeParse({ ...defaultCompanySettings(), providers: { teams: { enabled: true, authenticatedBot: { ...pool, accounts: [{ email: 'not-an-address', password: 'pw' }] } } } });
    expect(bad.success).toBe(false);
  });
});
