import { describe, expect, it } from 'vitest';
import { checkEligibility } from './check.js';
import { buildContext } from './context.js';
import type { Decision, EligibilityFacts } from './facts.js';
import { rules } from './reasons.js';
import { consentRules } from './rules-consent.js';
import { RETIRED_ASSISTANT, acme, codes, consentLink, excludedEverywhere, facts, hours, links } from './test-fixtures.js';

const enforced = (overrides: Partial<EligibilityFacts> = {}, meetingLinks = [consentLink('zoom', 'dynamic')]): EligibilityFacts =>
  facts({ requesterEmail: 'eve@acme.example', ...overrides, meeting: { organizerEmail: 'eve@acme.example', links: meetingLinks } });

describe('checkEligibility: several failures at once', () => {
  it('reports every failed rule, not only the first', () => {
    const company = acme((c) => {
      c.users['ben@acme.example']!.permissionProfile = 'viewer';
      c.providers.teams.enabled = false;
      c.providers.teams.authenticatedBot = { enabled: true };
    });
    const decision = checkEligibility(
      facts({ company, requesterEmail: 'BEN@acme.example', senderAuthenticated: false, meeting: { links: [links.teams], endsAt: hours(-1) } }),
    );
    expect(codes(decision)).toEqual([
      'sender_not_authenticated',
      'requester_no_seat',
      'requester_lacks_manual_permission',
      'provider_disabled',
      'provider_misconfigured',
      'meeting_over',
    ]);
    expect(decision).toMatchObject({ eligible: false, plan: 'none', provider: 'teams' });
  });

  it('a retired address with a known company still checks the rest, and stays ineligible', () => {
    const decision = checkEligibility(
      facts({ assistantAddress: RETIRED_ASSISTANT, company: undefined, companyForRetired: acme(), requesterEmail: 'ben@acme.example' }),
    );
    expect(codes(decision)).toEqual(['assistant_address_retired', 'requester_no_seat']);
    expect(decision.plan).toBe('none');
  });

  it('an unknown address does not blame the requester or the provider settings', () => {
    const decision = checkEligibility(facts({ assistantAddress: 'x@nobody.example', company: undefined, meeting: { cancelled: true } }));
    expect(codes(decision)).toEqual(['assistant_address_unknown', 'meeting_cancelled']);
    const skipped = decision.checks.filter((c) => c.skipped === 'not_evaluated').map((c) => c.rule);
    expect(skipped).toEqual(expect.arrayContaining(['requester_unknown', 'provider_disabled', 'consent_link_required']));
  });

  it('a Gong consent link alone is neither supported nor ours', () => {
    expect(codes(checkEligibility(facts({ meeting: { links: [links.gong] } })))).toEqual([
      'conference_link_unsupported',
      'consent_link_external',
    ]);
  });
});

describe('checkEligibility: manual versus automatic', () => {
  it('a manual request is eligible even when every automatic criterion would exclude the meeting', () => {
    expect(checkEligibility(excludedEverywhere('manual')).eligible).toBe(true);
  });

  it('the same facts on the automatic path fail every automatic criterion', () => {
    const decision = checkEligibility(excludedEverywhere('automatic'));
    expect(codes(decision)).toEqual([
      'calendar_access_missing',
      'no_recordable_participant',
      'excluded_private',
      'excluded_blocked_domain',
      'excluded_keyword',
      'excluded_participant',
    ]);
    expect(decision.reasons.map((r) => r.setting)).toEqual([
      'automaticRecording.calendarAccess',
      'users["ana@acme.example"].recordable',
      'automaticRecording.exclusions.privateMeetings',
      'automaticRecording.exclusions.blockedDomains',
      'automaticRecording.exclusions.keywords',
      'automaticRecording.exclusions.participants',
    ]);
  });

  it('the automatic path ignores the assistant address and the manual permission', () => {
    const decision = checkEligibility(facts({ path: 'automatic', assistantAddress: undefined, requesterEmail: 'cy@acme.example' }));
    expect(decision.eligible).toBe(true);
    const notApplicable = decision.checks.filter((c) => c.skipped === 'not_applicable').map((c) => c.rule);
    expect(notApplicable).toEqual(expect.arrayContaining(['assistant_address_retired', 'requester_lacks_manual_permission']));
  });

  it('consent rules hold on both paths: inviting the assistant does not override them', () => {
    for (const path of ['manual', 'automatic'] as const) {
      expect(codes(checkEligibility(enforced({ path }, [links.zoom])))).toEqual(['consent_link_required']);
    }
  });
});

describe('checkEligibility: consent', () => {
  it('a valid consent link is eligible and the bot joins its target, never the consent page', () => {
    const decision = checkEligibility(enforced());
    expect(decision).toMatchObject({ eligible: true, plan: 'zoom_cloud', provider: 'zoom', joinUrl: links.zoom.url });
  });

  it('a provider link in any part of the invite next to the consent link is a bypass', () => {
    const meetInStructured = consentLink('meet', 'static');
    const decision = checkEligibility(enforced({}, [{ ...meetInStructured, source: 'description' }, links.meet]));
    expect(codes(decision)).toEqual(['consent_bypass_link_present']);
  });

  it('a decline before the join blocks; the decision is re-made right before joining', () => {
    const declined = enforced({ consentOutcomes: [{ choice: 'no_record', at: hours(0.99) }] });
    expect(codes(checkEligibility(declined))).toEqual(['consent_declined']);
  });

  it('a decline after botJoinedAt does not block the pre-join decision', () => {
    const late = enforced({ botJoinedAt: hours(1), consentOutcomes: [{ choice: 'no_record', at: hours(1.5) }] });
    const decision = checkEligibility(late);
    expect(decision.eligible).toBe(true);
    expect(decision.checks.find((c) => c.rule === 'consent_declined')?.message).toContain('after the bot joined');
  });

  it('a decline is honoured even when the profile does not enforce consent', () => {
    const decision = checkEligibility(facts({ consentOutcomes: [{ choice: 'no_record', at: hours(0.5) }] }));
    expect(codes(decision)).toEqual(['consent_declined']);
  });

  it('without enforcement a plain link is fine and the link rules say why they were skipped', () => {
    const decision = checkEligibility(facts({ meeting: { links: [links.zoom] } }));
    const check = decision.checks.find((c) => c.rule === 'consent_link_required');
    expect(check).toMatchObject({ passed: true, skipped: 'not_applicable' });
    expect(check?.message).toContain('does not enforce consent');
  });

  it('says in one sentence why the link rules do not apply, whoever the call owner is and whatever profile they have', () => {
    const why = (f: EligibilityFacts) => checkEligibility(f).checks.find((c) => c.rule === 'consent_link_required')?.message;
    const outsider = { requesterEmail: 'mallory@elsewhere.example', meeting: { organizerEmail: 'host@customer.example' } };
    const noEnforcing = acme((c) => (c.consentProfiles['emea']!.enforceConsent = false));
    expect(why(facts())).toBe('call owner ana@acme.example\'s consent profile "Open" does not enforce consent');
    expect(why(facts({ company: acme((c) => delete c.users['ana@acme.example']!.consentProfile) }))).toBe('call owner ana@acme.example has no consent profile, so consent is not enforced');
    expect(why(facts(outsider))).toBe('the call owner is not a user of the company, so no consent profile applies and consent is not enforced');
    expect(why(facts({ ...outsider, company: noEnforcing, operator: true, requesterEmail: 'operator' }))).toBe(
      'the call owner is not a user of the company and none of its consent profiles enforces consent, so consent is not enforced',
    );
    // Not built from facts today (without an owner only an enforcing profile is chosen), but the sentence holds too.
    const ctx = { ...buildContext(facts(outsider)), consentProfileId: 'open', consentProfile: acme().consentProfiles['open'] };
    expect(consentRules(ctx)[0]?.check.message).toBe('the call owner is not a user of the company, and the consent profile "Open" does not enforce consent');
  });

  it('another company’s consent link is not joined even without enforcement when it is the only way in', () => {
    expect(codes(checkEligibility(facts({ meeting: { links: [consentLink('zoom', 'dynamic', 'globex')] } })))).toEqual([
      'consent_link_external',
    ]);
  });
});

describe('checkEligibility: meeting state and plans', () => {
  it('a cancelled meeting that is also over reports both', () => {
    const decision = checkEligibility(facts({ meeting: { cancelled: true, startsAt: hours(-3), endsAt: hours(-2) } }));
    expect(codes(decision)).toEqual(['meeting_cancelled', 'meeting_over']);
  });

  it('a meeting in progress is not over', () => {
    expect(checkEligibility(facts({ meeting: { startsAt: hours(-0.5), endsAt: hours(0.5) } })).eligible).toBe(true);
  });

  const planCases: Array<[string, EligibilityFacts, Partial<Decision>]> = [
    ['meet', facts(), { plan: 'bot', botJoin: { signedIn: false, recordingPermission: 'not_needed' } }],
    ['teams, authenticated bot', facts({ meeting: { links: [links.teams] } }), { plan: 'bot', botJoin: { signedIn: true, recordingPermission: 'not_needed' } }],
    ['webex, authenticated bot', facts({ meeting: { links: [links.webex] } }), { plan: 'bot', botJoin: { signedIn: true, recordingPermission: 'not_needed' } }],
    ['zoom cloud', facts({ meeting: { links: [links.zoom] } }), { plan: 'zoom_cloud' }],
    [
      'zoom local, automatic permission',
      facts({ company: acme((c) => Object.assign(c.providers.zoom, { mode: 'local', automaticRecordingPermission: true })), meeting: { links: [links.zoom] } }),
      { plan: 'bot', botJoin: { signedIn: false, recordingPermission: 'automatic' } },
    ],
  ];
  it.each(planCases)('plans %s', (_name, input, expected) => {
    expect(checkEligibility(input)).toMatchObject({ eligible: true, ...expected });
  });

  it('structured links win over location and description links', () => {
    const decision = checkEligibility(facts({ meeting: { links: [links.teams, links.zoom, links.meet] } }));
    expect(decision).toMatchObject({ provider: 'meet', joinUrl: links.meet.url });
  });
});

describe('checkEligibility: decision invariants', () => {
  const samples: EligibilityFacts[] = [
    facts(),
    excludedEverywhere('manual'),
    excludedEverywhere('automatic'),
    facts({ assistantAddress: 'x@nobody.example', company: undefined }),
    facts({ requesterEmail: 'mallory@elsewhere.example', meeting: { links: [] } }),
    enforced({ consentOutcomes: [{ choice: 'no_record', at: hours(0.5) }] }, [consentLink('meet', 'dynamic'), links.meet]),
  ];

  it.each(samples.map((sample, index) => [index, sample] as const))('sample %i lists every rule once and a reason for each failure', (_i, sample) => {
    const decision = checkEligibility(sample);
    expect(decision.checks.map((c) => c.rule).sort()).toEqual(Object.keys(rules).sort());
    const failed = new Set(decision.checks.filter((c) => !c.passed).map((c) => c.rule));
    expect(new Set(codes(decision))).toEqual(failed);
    expect(decision.eligible).toBe(decision.reasons.length === 0);
    for (const check of decision.checks) if (check.skipped !== undefined) expect(check.passed).toBe(true);
  });

  it('is pure: the same facts give the same decision', () => {
    const input = excludedEverywhere('automatic');
    expect(checkEligibility(input)).toEqual(checkEligibility(input));
  });
});
