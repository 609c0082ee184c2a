import type { ProviderId } from '../../providers/types.js';
import type { ConsentLink, DetectedLink, EligibilityFacts } from './facts.js';
import type { CompanySettings, ConsentProfile, UserSettings } from './settings.js';
import { findUser } from './settings.js';

/** Facts with the lookups every rule needs done once: who is who, which link counts, which profile. */
export interface Context {
  facts: EligibilityFacts;
  /** The company the rules are evaluated against (see EligibilityFacts.companyForRetired). */
  company?: CompanySettings;
  retired: boolean;
  requester?: UserSettings;
  /** The organizer when a user of the company, else the requester (DESIGN.md §2). */
  owner?: UserSettings;
  consentProfileId?: string;
  consentProfile?: ConsentProfile;
  links: ClassifiedLinks;
  /** The provider of the link the bot would use, or of any link naming a supported provider. */
  provider?: ProviderId;
  /** The link the bot would join: this company's consent link first, else a plain provider link. */
  join?: { provider: ProviderId; url: string; consent?: ConsentLink };
}

export interface ClassifiedLinks {
  /** Consent links of this company. */
  own: DetectedLink[];
  /** Consent links of another company or another vendor. */
  external: DetectedLink[];
  /** Conference links that are not consent pages (supported or not). */
  plain: DetectedLink[];
}

const sourceRank: Record<DetectedLink['source'], number> = { structured: 0, location: 1, description: 2 };

export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function classifyLinks(links: readonly DetectedLink[], companyId: string | undefined): ClassifiedLinks {
  // Structured fields are what calendar "Join" buttons open, so they win over location and description.
  const ordered = [...links].sort((a, b) => sourceRank[a.source] - sourceRank[b.source]);
  const classified: ClassifiedLinks = { own: [], external: [], plain: [] };
  for (const link of ordered) {
    if (link.consent !== undefined && link.consent.companyId === companyId) classified.own.push(link);
    else if (link.consent !== undefined || link.externalConsent === true) classified.external.push(link);
    else classified.plain.push(link);
  }
  return classified;
}

function joinTarget(links: ClassifiedLinks): Context['join'] {
  const consented = links.own[0]?.consent;
  if (consented !== undefined) {
    return { provider: consented.provider, url: consented.targetUrl, consent: consented };
  }
  const plain = links.plain.find((link) => link.provider !== undefined && link.unjoinable === undefined);
  return plain?.provider === undefined ? undefined : { provider: plain.provider, url: plain.url };
}

function anyProvider(links: ClassifiedLinks): ProviderId | undefined {
  const all = [...links.own, ...links.plain, ...links.external];
  for (const link of all) {
    const provider = link.consent?.provider ?? link.provider;
    if (provider !== undefined) return provider;
  }
  return undefined;
}

export function buildContext(facts: EligibilityFacts): Context {
  const retired =
    facts.path === 'manual' && facts.retiredAssistantAddresses.some((address) => sameAddress(address, facts.assistantAddress));
  const company = facts.company ?? (retired ? facts.companyForRetired : undefined);
  const links = classifyLinks(facts.meeting.links, company?.id);
  const join = joinTarget(links);
  const context: Context = { facts, retired, links, join, provider: join?.provider ?? anyProvider(links) };
  if (company === undefined) return context;

  const requester = facts.operator === true ? undefined : findUser(company, facts.requesterEmail);
  const owner = findUser(company, facts.meeting.organizerEmail) ?? requester;
  const consentProfileId = owner?.consentProfile ?? (facts.operator === true ? strictestProfile(company) : undefined);
  const consentProfile =
    consentProfileId !== undefined && Object.hasOwn(company.consentProfiles, consentProfileId)
      ? company.consentProfiles[consentProfileId]
      : undefined;
  return { ...context, company, requester, owner, consentProfileId, consentProfile };
}

/**
 * An operator's ad-hoc join may have no call owner; it is then held to the company's first consent profile
 * that enforces consent (if any), so asking with the admin token can never skip consent.
 */
function strictestProfile(company: CompanySettings): string | undefined {
  const ids = Object.keys(company.consentProfiles).sort();
  return ids.find((id) => company.consentProfiles[id]?.enforceConsent === true);
}
