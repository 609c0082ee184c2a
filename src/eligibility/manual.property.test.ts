import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEligibility } from './check.js';
import type { DetectedLink, EligibilityFacts } from './facts.js';
import type { CompanySettings } from './settings.js';
import { findUser } from './settings.js';
import { acme, consentLink, facts, hours, links } from './test-fixtures.js';

/**
 * DESIGN.md §2 as properties: for a manual request the decision never depends on the automatic-recording
 * settings (calendar access, recordable flags, exclusions, and the meeting facts only they read), and an
 * enforcing consent profile or a decline is never overridden by inviting the assistant.
 */
const people = ['ana@acme.example', 'ben@acme.example', 'cy@acme.example', 'eve@acme.example', 'stranger@other.example'];
const linkPool: DetectedLink[] = [
  links.meet,
  links.zoom,
  links.teams,
  links.webex,
  links.bluejeans,
  links.gong,
  links.zoomInDescription,
  consentLink('zoom', 'dynamic'),
  consentLink('meet', 'static'),
  consentLink('meet', 'dynamic'),
  consentLink('zoom', 'dynamic', 'globex'),
];

const manualFacts = fc
  .record({
    requester: fc.option(fc.constantFrom(...people), { nil: undefined }),
    organizer: fc.option(fc.constantFrom(...people), { nil: undefined }),
    links: fc.subarray(linkPool),
    outcomes: fc.array(fc.record({ choice: fc.constantFrom('record' as const, 'no_record' as const), minutes: fc.integer({ min: -120, max: 30 }) }), { maxLength: 3 }),
    toggles: fc.record({ meet: fc.boolean(), zoom: fc.boolean(), teams: fc.boolean(), webex: fc.boolean() }),
    endsInHours: fc.constantFrom(-1, 2),
    cancelled: fc.boolean(),
    senderAuthenticated: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((drawn): EligibilityFacts => {
    const company = acme((c) => {
      for (const provider of ['meet', 'zoom', 'teams', 'webex'] as const) c.providers[provider].enabled = drawn.toggles[provider];
    });
    return facts({
      company,
      requesterEmail: drawn.requester ?? 'operator',
      ...(drawn.requester === undefined ? { operator: true } : {}),
      senderAuthenticated: drawn.senderAuthenticated,
      consentOutcomes: drawn.outcomes.map((outcome) => ({ choice: outcome.choice, at: new Date(hours(0).getTime() + outcome.minutes * 60_000) })),
      meeting: { organizerEmail: drawn.organizer, links: drawn.links, endsAt: hours(drawn.endsInHours), cancelled: drawn.cancelled },
    });
  });

/** Everything only automatic recording reads: the company's automatic settings and the meeting's title, privacy and attendees. */
const automaticOnly = fc.record({
  calendarAccess: fc.boolean(),
  recordable: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  privateMeetings: fc.boolean(),
  blockedDomains: fc.subarray(['customer.example', 'rival.example', 'acme.example', 'other.example']),
  keywords: fc.subarray(['interview', 'sync', 'board', 'acme']),
  participants: fc.subarray(['ceo@customer.example', 'ana@acme.example', 'stranger@other.example']),
  private: fc.boolean(),
  title: fc.constantFrom('Acme / Customer sync', 'Board interview', 'Private 1:1'),
  attendees: fc.subarray(['client@customer.example', 'spy@rival.example', 'ceo@customer.example', 'ben@acme.example']),
});

type AutomaticOnly = typeof automaticOnly extends fc.Arbitrary<infer T> ? T : never;

function varied(base: EligibilityFacts, change: AutomaticOnly): EligibilityFacts {
  const company = structuredClone(base.company) as CompanySettings;
  company.automaticRecording = {
    calendarAccess: change.calendarAccess,
    exclusions: { privateMeetings: change.privateMeetings, blockedDomains: change.blockedDomains, keywords: change.keywords, participants: change.participants },
  };
  Object.values(company.users).forEach((user, index) => (user.recordable = change.recordable[index] ?? true));
  return { ...base, company, meeting: { ...base.meeting, private: change.private, title: change.title, attendees: change.attendees } };
}

/** The call owner's consent profile, worked out independently of the check: organizer if a user, else the requester. */
function ownerProfile(f: EligibilityFacts): { id: string; enforce: boolean } | undefined {
  const company = f.company as CompanySettings;
  const owner = findUser(company, f.meeting.organizerEmail) ?? (f.operator ? undefined : findUser(company, f.requesterEmail));
  const id = owner?.consentProfile ?? (f.operator ? Object.keys(company.consentProfiles).sort().find((key) => company.consentProfiles[key]?.enforceConsent) : undefined);
  const profile = id === undefined ? undefined : company.consentProfiles[id];
  return id === undefined || profile === undefined ? undefined : { id, enforce: profile.enforceConsent };
}

describe('manual requests (property)', () => {
  it('never depend on exclusion criteria, recordable flags or calendar access', () => {
    fc.assert(
      fc.property(manualFacts, automaticOnly, (base, change) => {
        expect(checkEligibility(varied(base, change))).toEqual(checkEligibility(base));
      }),
      { numRuns: 300 },
    );
  });

  it('never bypass consent: an enforcing profile needs an own consent link, and a decline always blocks', () => {
    fc.assert(
      fc.property(manualFacts, (f) => {
        const decision = checkEligibility(f);
        const codes = decision.reasons.map((reason) => reason.code);
        if (f.consentOutcomes.some((outcome) => outcome.choice === 'no_record')) {
          expect(decision.eligible).toBe(false);
          expect(codes).toContain('consent_declined');
        }
        const profile = ownerProfile(f);
        const ownLinks = f.meeting.links.filter((link) => link.consent?.companyId === 'acme');
        if (profile?.enforce === true && decision.eligible) {
          // Eligible under enforced consent: the bot goes to an own consent link's target, of the profile's type, with nothing to bypass it.
          const used = ownLinks.find((link) => link.consent?.targetUrl === decision.joinUrl);
          expect(used).toBeDefined();
          expect(f.company?.consentProfiles[profile.id]?.linkTypes[used?.consent?.provider ?? 'meet']).toBe(used?.consent?.linkType);
          expect(f.meeting.links.filter((link) => link.consent === undefined && link.externalConsent !== true && link.provider !== undefined)).toEqual([]);
        }
        if (profile?.enforce === true && ownLinks.length === 0) expect(decision.eligible).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
