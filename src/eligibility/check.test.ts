import { describe, expect, it } from 'vitest';
import { checkEligibility } from './check.js';
import type { Decision, EligibilityFacts } from './facts.js';
import type { ReasonCode } from './reasons.js';
import { ACME_ASSISTANT, RETIRED_ASSISTANT, acme, codes, consentLink, excludedEverywhere, facts, hours, links } from './test-fixtures.js';

/**
 * One case per sentence of seed/recording-assistant-manual-requests.txt that states a rule, quoted in
 * the case name, asserting the exact reason codes. Rules from DESIGN.md alone are at the end.
 */
interface SentenceCase {
  sentence: string;
  facts: EligibilityFacts;
  codes: ReasonCode[];
  then?: (decision: Decision) => void;
}

const enforcedOwner = { requesterEmail: 'eve@acme.example', meeting: { organizerEmail: 'eve@acme.example' } } as const;

const articleCases: SentenceCase[] = [
  {
    sentence: 'If a meeting is not configured to be recorded automatically, you can request Gong to record it by inviting the Gong Assistant—a virtual participant added to the calendar invite.',
    facts: facts(),
    codes: [],
    then: (d) => expect(d).toMatchObject({ eligible: true, path: 'manual', plan: 'bot', provider: 'meet', joinUrl: links.meet.url }),
  },
  {
    sentence: 'This allows Gong to detect the meeting and record it according to your web conferencing provider settings.',
    facts: facts({ company: acme((c) => (c.providers.zoom.mode = 'local')), meeting: { links: [links.zoom] } }),
    codes: [],
    then: (d) => expect(d.plan).toBe('bot'),
  },
  {
    sentence: 'Have a seat for a Gong application',
    facts: facts({ requesterEmail: 'ben@acme.example' }),
    codes: ['requester_no_seat'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('users["ben@acme.example"].seat'),
  },
  {
    sentence: 'Have a permission profile with Manually schedule & upload enabled.',
    facts: facts({ requesterEmail: 'cy@acme.example' }),
    codes: ['requester_lacks_manual_permission'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('permissionProfiles.viewer.manualScheduleAndUpload'),
  },
  {
    sentence: 'Add your company’s Gong Assistant email address (e.g., [email protected]) as a participant to the meeting invite.',
    facts: facts({ assistantAddress: 'assistant@nobody.example', company: undefined }),
    codes: ['assistant_address_unknown'],
  },
  {
    sentence: 'This can be done by the meeting host or any team member with the right permissions.',
    facts: facts({ requesterEmail: 'mallory@elsewhere.example' }),
    codes: ['requester_unknown'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('users["mallory@elsewhere.example"]'),
  },
  {
    sentence: 'Forward the meeting invite manually to the Assistant\'s email address',
    // Hosted outside the company; Ana forwards it, so she is the requester and the call owner.
    facts: facts({ meeting: { organizerEmail: 'host@customer.example', attendees: ['ana@acme.example'] } }),
    codes: [],
  },
  {
    sentence: 'The older generic assistant address ([email protected]) can no longer be used for manual recording.',
    facts: facts({ assistantAddress: RETIRED_ASSISTANT, company: undefined }),
    codes: ['assistant_address_retired'],
  },
  {
    sentence: 'You can find your company’s unique assistant address in the blue notification box under: Company settings > Data capture > Recording settings > Web conferencing calls > Select the name of the recording bot',
    facts: facts({ assistantAddress: RETIRED_ASSISTANT.toUpperCase(), company: undefined, companyForRetired: acme() }),
    codes: ['assistant_address_retired'],
    then: (d) => expect(d.reasons[0]?.message).toContain(ACME_ASSISTANT),
  },
  {
    sentence: 'The meeting must use a supported and recognized conference link',
    facts: facts({ meeting: { links: [] } }),
    codes: ['conference_link_missing'],
  },
  {
    sentence: 'The meeting must use a supported and recognized conference link (recognized, but not supported)',
    facts: facts({ meeting: { links: [links.bluejeans] } }),
    codes: ['conference_link_unsupported'],
  },
  {
    sentence: 'In Company settings > Data Capture > Web conferencing, make sure the toggle for the provider (e.g., Zoom, Google Meet, etc.) in the first column is enabled.',
    facts: facts({ company: acme((c) => (c.providers.teams.enabled = false)), meeting: { links: [links.teams] } }),
    codes: ['provider_disabled'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('providers.teams.enabled'),
  },
  {
    sentence: 'Each enabled provider must also be set up correctly.',
    facts: facts({ company: acme((c) => delete c.providers.zoom.clientSecret), meeting: { links: [links.zoom] } }),
    codes: ['provider_misconfigured'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('providers.zoom.clientSecret'),
  },
  {
    sentence: 'In the last column of the provider table, click on Settings to ensure the configuration settings are correct for that provider.',
    facts: facts({ company: acme((c) => delete c.providers.webex.site), meeting: { links: [links.webex] } }),
    codes: ['provider_misconfigured'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('providers.webex.site'),
  },
  {
    sentence: 'Check the Details column for any errors or warnings regarding the web conference provider status.',
    // Warnings (anonymous Teams bot) are shown but do not block.
    facts: facts({ company: acme((c) => (c.providers.teams.authenticatedBot = { enabled: false })), meeting: { links: [links.teams] } }),
    codes: [],
    then: (d) => expect(d.checks.find((c) => c.rule === 'provider_misconfigured')?.message).toContain('CAPTCHA'),
  },
  {
    sentence: 'If the recording consent profile of the call owner has Enforce consent enabled, Gong will record the meeting only if:',
    // Ana (not enforced) asks, but the organizer Eve is the call owner and her profile enforces consent.
    facts: facts({ meeting: { organizerEmail: 'eve@acme.example' } }),
    codes: ['consent_link_required'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('consentProfiles.emea.enforceConsent'),
  },
  {
    sentence: 'The meeting uses a Gong consent-enabled meeting link',
    // External organizer: the call owner is the requester, Eve.
    facts: facts({ requesterEmail: 'eve@acme.example', meeting: { organizerEmail: 'host@customer.example', links: [links.zoom] } }),
    codes: ['consent_link_required'],
  },
  {
    sentence: 'The link type (static or dynamic) matches the configuration of the web conference provider in the consent profile',
    facts: facts({ ...enforcedOwner, meeting: { ...enforcedOwner.meeting, links: [consentLink('zoom', 'static')] } }),
    codes: ['consent_link_type_mismatch'],
    then: (d) => expect(d.reasons[0]?.setting).toBe('consentProfiles.emea.linkTypes.zoom'),
  },
  {
    sentence: 'The meeting description does not contain a different web conference URL that allows participants to bypass consent',
    facts: facts({ ...enforcedOwner, meeting: { ...enforcedOwner.meeting, links: [consentLink('zoom', 'dynamic'), links.zoomInDescription] } }),
    codes: ['consent_bypass_link_present'],
  },
  {
    sentence: 'The consent-enabled link does not belong to an external company (e.g., another Gong customer who also uses Gong consent)',
    facts: facts({ ...enforcedOwner, meeting: { ...enforcedOwner.meeting, links: [consentLink('zoom', 'dynamic', 'globex')] } }),
    codes: ['consent_link_external'],
  },
  {
    sentence: 'Before joining the meeting, none of the participants click Join but don’t record on the Gong recording consent page.',
    facts: facts({
      ...enforcedOwner,
      meeting: { ...enforcedOwner.meeting, links: [consentLink('zoom', 'dynamic')] },
      consentOutcomes: [{ choice: 'record', at: hours(0.9) }, { choice: 'no_record', at: hours(0.95) }],
    }),
    codes: ['consent_declined'],
  },
  {
    sentence: 'Manually scheduling a recording cannot override these requirements (i.e., inviting the assistant to a meeting that doesn’t use a Gong consent-enabled meeting link will not enable that meeting to be recorded.',
    facts: facts({ ...enforcedOwner, meeting: { ...enforcedOwner.meeting, links: [links.meet] } }),
    codes: ['consent_link_required'],
    then: (d) => expect(d).toMatchObject({ path: 'manual', eligible: false, plan: 'none' }),
  },
  {
    sentence: 'The following conditions which apply to automatic recording do not apply when manually inviting the Assistant:',
    facts: excludedEverywhere('manual'),
    codes: [],
    then: (d) => {
      const automatic = d.checks.filter((c) => c.skipped === 'not_applicable' && c.message === 'does not apply to manual requests');
      expect(automatic.map((c) => c.rule)).toEqual([
        'calendar_access_missing',
        'no_recordable_participant',
        'excluded_private',
        'excluded_blocked_domain',
        'excluded_keyword',
        'excluded_participant',
      ]);
    },
  },
  {
    sentence: 'Gong does not need access to the user’s calendar meetings',
    facts: facts({ company: acme((c) => (c.automaticRecording.calendarAccess = false)) }),
    codes: [],
  },
  {
    sentence: 'None of the internal meeting participants need to be marked as a recordable user',
    facts: facts({ company: acme((c) => Object.values(c.users).forEach((u) => (u.recordable = false))) }),
    codes: [],
  },
  {
    sentence: 'Gong will not apply exclusion criteria from recordings such as private meetings, blocked domains, keywords, or specific participants',
    facts: facts({ meeting: { private: true, title: 'Interview', attendees: ['spy@rival.example', 'ceo@customer.example'] } }),
    codes: [],
  },
  {
    sentence: 'In most cases, once the Assistant is added to the meeting invite and all prerequisites are met, Gong will record the meeting using either its bot solution or with a native integration, depending on the provider and your company\'s configuration.',
    facts: facts({ meeting: { links: [links.zoom] } }),
    codes: [],
    then: (d) => expect(d.plan).toBe('zoom_cloud'),
  },
  {
    sentence: 'If your company uses native cloud recording, the Gong Assistant does not join the live meeting.',
    facts: facts({ meeting: { links: [links.zoom] } }),
    codes: [],
    then: (d) => {
      expect(d).toMatchObject({ plan: 'zoom_cloud', provider: 'zoom' });
      expect(d.botJoin).toBeUndefined();
    },
  },
  {
    sentence: 'The Gong Assistant does join the live meeting as a bot.',
    facts: facts({ company: acme((c) => (c.providers.zoom.mode = 'local')), meeting: { links: [links.zoom] } }),
    codes: [],
    then: (d) => expect(d).toMatchObject({ plan: 'bot', provider: 'zoom' }),
  },
  {
    sentence: 'The meeting host will need to grant the bot permission to record, unless the Zoom admin has enabled automatic recording permissions.',
    facts: facts({ company: acme((c) => (c.providers.zoom.mode = 'local')), meeting: { links: [links.zoom] } }),
    codes: [],
    then: (d) => expect(d.botJoin?.recordingPermission).toBe('ask_host'),
  },
  {
    sentence: 'Gong typically uses a bot to join these meetings.',
    facts: facts({ meeting: { links: [links.webex] } }),
    codes: [],
    then: (d) => expect(d).toMatchObject({ plan: 'bot', provider: 'webex' }),
  },
  {
    sentence: 'These providers may require participants to pass a CAPTCHA or block non-authenticated users from joining calls.',
    facts: facts({ company: acme((c) => (c.providers.webex.authenticatedBot = { enabled: false })), meeting: { links: [links.webex] } }),
    codes: [],
    then: (d) => expect(d.botJoin).toEqual({ signedIn: false, recordingPermission: 'not_needed' }),
  },
  {
    sentence: 'To ensure successful recording, enable Gong’s authenticated bot feature, which allows the Assistant to join as a recognized user and bypass authentication barriers.',
    facts: facts({ meeting: { links: [links.teams] } }),
    codes: [],
    then: (d) => expect(d.botJoin).toEqual({ signedIn: true, recordingPermission: 'not_needed' }),
  },
];

const designCases: SentenceCase[] = [
  {
    sentence: 'DESIGN §8: forwarded invites count only when the sender’s domain passes DMARC',
    facts: facts({ senderAuthenticated: false }),
    codes: ['sender_not_authenticated'],
  },
  { sentence: 'DESIGN §2: METHOD:CANCEL cancels', facts: facts({ meeting: { cancelled: true } }), codes: ['meeting_cancelled'] },
  {
    sentence: 'DESIGN §2: the occurrence has already ended',
    facts: facts({ meeting: { startsAt: hours(-2), endsAt: hours(-1) } }),
    codes: ['meeting_over'],
  },
];

describe('checkEligibility: one case per rule sentence', () => {
  for (const testCase of [...articleCases, ...designCases]) {
    const expected = testCase.codes.length === 0 ? 'eligible' : testCase.codes.join(', ');
    it(`"${testCase.sentence}" -> ${expected}`, () => {
      const decision = checkEligibility(testCase.facts);
      expect(codes(decision)).toEqual(testCase.codes);
      expect(decision.eligible).toBe(testCase.codes.length === 0);
      if (decision.eligible) expect(decision.plan).not.toBe('none');
      else expect(decision.plan).toBe('none');
      testCase.then?.(decision);
    });
  }
});
