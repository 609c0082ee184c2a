import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanyStore } from '../../src/companies/company-store.js';
import { createConsentLink } from '../../src/consent/links.js';
import { ConsentService } from '../../src/consent/service.js';
import { ConsentStore } from '../../src/consent/store.js';
import { ParticipantHasher } from '../../src/consent/tokens.js';
import { checkEligibility } from '../../src/eligibility/check.js';
import { ACME_ASSISTANT, NOW, acme, codes, facts } from '../../src/eligibility/test-fixtures.js';
import { detectLinks } from '../../src/intake/links.js';
import { urlMatchers } from '../../src/intake/matchers.js';
import { eligibilityPlanner } from '../../src/intake/planner.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

const base = 'https://quorum.acme.example';
const room = 'https://meet.google.com/eve-room-abc';

/**
 * The consent rules fed by real consent links: tokens issued by the store, found in an invite by intake,
 * resolved by the consent service through intake's planner hook, and judged by the eligibility check.
 */
describe('consent links in eligibility', () => {
  let t: TestStore;
  let consent: ConsentService;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    const companies = new CompanyStore(t.store.db);
    const { id, name, assistantAddress, ...settings } = acme();
    await companies.put({ id, name, assistantAddress, settings });
    const globex = { id: 'globex', name: 'Globex', assistantAddress: 'assistant@globex.example', settings: {} };
    await companies.put(globex);
    const store = new ConsentStore(t.store.db);
    const aborter = { abort: () => Promise.reject(new Error('no session should be ended here')) };
    consent = new ConsentService({ db: t.store.db, store, sessions: t.sessions, scheduler: aborter, hasher: new ParticipantHasher('test-secret-0123456789'), windowMs: 3_600_000, log: pino({ level: 'silent' }) });
    const company = (await companies.get('acme'))!;
    tokens.eveStatic = (await createConsentLink(store, company, { user: 'eve@acme.example', conferenceUrl: room, replace: false })).token;
    tokens.dynamic = (await createConsentLink(store, company, { type: 'dynamic', meetingId: 'uid-1', conferenceUrl: 'https://meet.google.com/dyn-amic-xyz', replace: false })).token;
    tokens.globex = (await createConsentLink(store, globex, { type: 'static', user: 'wile@globex.example', conferenceUrl: 'https://meet.google.com/glo-bexx-com', replace: false })).token;
  });
  afterAll(async () => {
    await t.store.close();
  });

  /** Eve (consent enforced, static Meet links) forwards an invite whose description is `description`. */
  function decide(description: string) {
    const planner = eligibilityPlanner({ companies: new CompanyStore(t.store.db), retiredAssistantAddresses: [], consentLink: consent.consentLink });
    const links = detectLinks({ structured: [], description }, urlMatchers, { consentBaseUrls: [base] });
    return planner.decide({
      now: NOW,
      assistantAddress: ACME_ASSISTANT,
      requesterEmail: 'eve@acme.example',
      senderAuthenticated: true,
      meeting: { organizerEmail: 'eve@acme.example', attendees: [], startsAt: new Date(NOW.getTime() + 3_600_000), endsAt: new Date(NOW.getTime() + 7_200_000), cancelled: false, links },
    });
  }

  it('a consent link of the company passes, and the bot is sent to the stored link, not the page', async () => {
    const decision = await decide(`Join: ${base}/c/${tokens.eveStatic}`);
    expect(codes(decision)).toEqual([]);
    expect(decision.joinUrl).toBe(room);
  });

  it('consent_link_required: only the provider link', async () => {
    expect(codes(await decide(`Join: ${room}`))).toEqual(['consent_link_required']);
  });

  it('consent_link_type_mismatch: a dynamic link where the profile wants static', async () => {
    expect(codes(await decide(`Join: ${base}/c/${tokens.dynamic}`))).toEqual(['consent_link_type_mismatch']);
  });

  it('consent_bypass_link_present: the consent link plus the provider link in the description', async () => {
    expect(codes(await decide(`Join: ${base}/c/${tokens.eveStatic}\nOr directly: ${room}`))).toEqual(['consent_bypass_link_present']);
  });

  it('consent_link_external: another tenant’s link, another vendor’s consent page, a forged token', async () => {
    const globex = await decide(`Join: ${base}/c/${tokens.globex}`);
    expect(codes(globex)).toContain('consent_link_external');
    // The Decision is shown to the asker: neither the other company nor the meeting behind its consent page is in it.
    expect(JSON.stringify(globex)).not.toMatch(/globex|glo-bexx-com/i);
    expect(codes(await decide('Join: https://join.gong.io/acme/eve'))).toContain('consent_link_external');
    expect(codes(await decide(`Join: ${base}/c/${'Z'.repeat(43)}`))).toContain('consent_link_external');
  });

  it('consent_declined: a decline on the link before the meeting counts; one from long before does not', async () => {
    const link = (await consent.resolveToken(tokens.eveStatic ?? ''))!.link;
    const occasion = { companyId: 'acme', meetingUrl: room, startsAt: new Date(NOW.getTime() + 3_600_000), endsAt: new Date(NOW.getTime() + 7_200_000) };
    await consent.recordChoice(link, { address: '192.0.2.1', userAgent: 'old' }, 'no_record', new Date(NOW.getTime() - 3_600_000));
    expect(await consent.outcomesFor(occasion)).toEqual([]);
    await consent.recordChoice(link, { address: '192.0.2.2', userAgent: 'now' }, 'no_record', new Date(NOW.getTime() + 1_800_000));
    const outcomes = await consent.outcomesFor(occasion);
    expect(outcomes).toHaveLength(1);
    const decision = checkEligibility(facts({ consentOutcomes: outcomes, requesterEmail: 'eve@acme.example', meeting: { organizerEmail: 'eve@acme.example', links: [{ url: `${base}/c/x`, source: 'location', consent: { companyId: 'acme', linkType: 'static', provider: 'meet', targetUrl: room } }] } }));
    expect(codes(decision)).toEqual(['consent_declined']);
  });
});
