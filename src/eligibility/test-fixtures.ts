import type { ProviderId } from '../../providers/types.js';
import type { Decision, DetectedLink, EligibilityFacts, MeetingFacts } from './facts.js';
import type { ReasonCode } from './reasons.js';
import type { CompanySettings, ConsentLinkType } from './settings.js';
import { companySettingsSchema } from './settings.js';

/**
 * Shared fixtures for the eligibility tests: one company (Acme) set up so that the default facts are
 * eligible, and small builders to break exactly one thing per case.
 */

export const NOW = new Date('2026-03-02T10:00:00Z');
export const ACME_ASSISTANT = 'assistant@acme.example';
export const RETIRED_ASSISTANT = 'assistant@quorum.example';
const hours = (n: number): Date => new Date(NOW.getTime() + n * 3_600_000);

/** Users: ana (everything allowed), ben (no seat), cy (no manual permission), eve (consent enforced). */
export function acme(mutate?: (company: CompanySettings) => void): CompanySettings {
  const company = companySettingsSchema.parse({
    id: 'acme',
    name: 'Acme',
    assistantAddress: ACME_ASSISTANT,
    botName: 'Acme Notetaker',
    emailDomains: ['acme.example'],
    providers: {
      meet: { enabled: true },
      zoom: {
        enabled: true,
        mode: 'cloud',
        accountId: 'acc',
        clientId: 'cid',
        clientSecret: 'secret',
        webhookSecretToken: 'whsec',
        sdkKey: 'sdk',
        sdkSecret: 'sdksecret',
      },
      teams: { enabled: true, authenticatedBot: { enabled: true, account: { email: 'bot@acme.example', password: 'pw' } } },
      webex: { enabled: true, site: 'acme', authenticatedBot: { enabled: true, account: { email: 'bot@acme.example', password: 'pw' } } },
    },
    permissionProfiles: {
      sales: { name: 'Sales', manualScheduleAndUpload: true },
      viewer: { name: 'Viewer', manualScheduleAndUpload: false },
    },
    consentProfiles: {
      open: { name: 'Open', enforceConsent: false, linkTypes: {} },
      emea: { name: 'EMEA', enforceConsent: true, linkTypes: { zoom: 'dynamic', meet: 'static' } },
    },
    users: {
      'ana@acme.example': { email: 'ana@acme.example', seat: true, permissionProfile: 'sales', consentProfile: 'open', recordable: true },
      'ben@acme.example': { email: 'ben@acme.example', seat: false, permissionProfile: 'sales', consentProfile: 'open', recordable: true },
      'cy@acme.example': { email: 'cy@acme.example', seat: true, permissionProfile: 'viewer', consentProfile: 'open', recordable: true },
      'eve@acme.example': { email: 'eve@acme.example', seat: true, permissionProfile: 'sales', consentProfile: 'emea', recordable: true },
    },
    automaticRecording: {
      calendarAccess: true,
      exclusions: { privateMeetings: true, blockedDomains: ['rival.example'], keywords: ['interview'], participants: ['ceo@customer.example'] },
    },
  });
  mutate?.(company);
  return company;
}

export const links = {
  meet: { url: 'https://meet.google.com/abc-defg-hij', provider: 'meet', source: 'structured' },
  zoom: { url: 'https://acme.zoom.us/j/85012345678?pwd=abc', provider: 'zoom', source: 'location' },
  teams: { url: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0', provider: 'teams', source: 'description' },
  webex: { url: 'https://acme.webex.com/acme/j.php?MTID=m123', provider: 'webex', source: 'location' },
  bluejeans: { url: 'https://bluejeans.com/123456', unsupportedProvider: 'bluejeans', source: 'location' },
  gong: { url: 'https://join.gong.io/acme/ana', externalConsent: true, source: 'location' },
  zoomInDescription: { url: 'https://acme.zoom.us/j/85012345678?pwd=abc', provider: 'zoom', source: 'description' },
} as const satisfies Record<string, DetectedLink>;

export function consentLink(provider: ProviderId, linkType: ConsentLinkType, companyId = 'acme'): DetectedLink {
  const target: DetectedLink = provider === 'zoom' ? links.zoom : provider === 'meet' ? links.meet : links.teams;
  return {
    url: `https://quorum.${companyId}.example/c/tok-${provider}-${linkType}`,
    consent: { companyId, linkType, provider, targetUrl: target.url },
    source: 'location',
  };
}

type FactsOverrides = Partial<Omit<EligibilityFacts, 'meeting'>> & { meeting?: Partial<MeetingFacts> };

/** Ana invites Acme's assistant to her own Meet meeting an hour from now: eligible. */
export function facts(overrides: FactsOverrides = {}): EligibilityFacts {
  const { meeting, ...rest } = overrides;
  return {
    path: 'manual',
    now: NOW,
    assistantAddress: ACME_ASSISTANT,
    company: acme(),
    retiredAssistantAddresses: [RETIRED_ASSISTANT],
    requesterEmail: 'ana@acme.example',
    senderAuthenticated: true,
    consentOutcomes: [],
    ...rest,
    meeting: {
      organizerEmail: 'ana@acme.example',
      attendees: [ACME_ASSISTANT, 'client@customer.example'],
      title: 'Acme / Customer sync',
      startsAt: hours(1),
      endsAt: hours(2),
      cancelled: false,
      links: [links.meet],
      ...meeting,
    },
  };
}

/** Facts failing every automatic-recording criterion at once (and nothing else). */
export function excludedEverywhere(path: EligibilityFacts['path']): EligibilityFacts {
  return facts({
    path,
    company: acme((company) => {
      company.automaticRecording.calendarAccess = false;
      for (const user of Object.values(company.users)) user.recordable = false;
    }),
    meeting: {
      private: true,
      title: 'Interview with Rival',
      attendees: [ACME_ASSISTANT, 'spy@rival.example', 'ceo@customer.example'],
    },
  });
}

export function codes(decision: Decision): ReasonCode[] {
  return decision.reasons.map((reason) => reason.code);
}

export { hours };
