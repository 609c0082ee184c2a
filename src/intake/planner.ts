import { checkEligibility, decidedRequest } from '../eligibility/check.js';
import type { ConsentLink, ConsentOutcome, Decision, EligibilityFacts, DetectedLink as EligibilityLink, MeetingFacts } from '../eligibility/check.js';
import { withHostAccount, type HostAccountLookups } from '../eligibility/host-account.js';
import { companySettingsSchema } from '../eligibility/settings.js';
import type { CompanySettings } from '../eligibility/settings.js';
import type { Company } from '../companies/company-store.js';
import type { DetectedLink } from './links.js';

/** The facts intake knows about one occurrence of an invite; the planner adds the company's side. */
export interface OccurrenceFacts {
  now: Date;
  /** The assistant address the mail went to (an SMTP recipient, or the address found in the headers). */
  assistantAddress: string;
  requesterEmail: string;
  /** DMARC (or aligned SPF/DKIM) of the mail's sender. */
  senderAuthenticated: boolean;
  meeting: Omit<MeetingFacts, 'links'> & { links: readonly DetectedLink[] };
}

/**
 * The port intake plans through: one eligibility decision per meeting occurrence. The default implementation
 * below runs `checkEligibility` with the company found by assistant address; another request path can supply
 * its own (the same function the HTTP recording requests use) without intake changing.
 */
export interface IntakePlanner {
  decide(facts: OccurrenceFacts): Promise<Decision>;
}

/** What the default planner needs to know about companies. */
export interface CompanyDirectory {
  byAssistantAddress(address: string): Promise<Company | undefined>;
  get(id: string): Promise<Company | undefined>;
  list(): Promise<Company[]>;
}

export interface EligibilityPlannerOptions {
  companies: CompanyDirectory;
  retiredAssistantAddresses: readonly string[];
  /** Resolves a consent token of this installation to its link; without it such links count as external. */
  consentLink?: (token: string) => Promise<ConsentLink | undefined>;
  /** Consent page choices already made for the occurrence (by its join link); without it none count. */
  consentOutcomes?: (occasion: { companyId: string; meetingUrl: string; startsAt: Date; endsAt: Date }) => Promise<ConsentOutcome[]>;
  /** Asks a provider whether the company's own account hosts the meeting, for plans that need it (Zoom cloud). */
  hostAccounts?: HostAccountLookups;
}

export class CompanySettingsError extends Error {
  constructor(companyId: string, problems: string) {
    super(`company ${companyId} has invalid settings: ${problems}`);
    this.name = 'CompanySettingsError';
  }
}

/**
 * The store hands out the same Company object for a while (CompanyStore's address cache), so its validated
 * settings are kept with it instead of running the schema for every occurrence of every invite.
 */
const settingsOf = new WeakMap<Company, CompanySettings>();

/**
 * The eligibility view of a stored company: its settings document, completed by the columns the store keeps
 * apart (id, name, assistant address). A company with no users or providers configured simply fails the rules.
 */
export function companySettingsOf(company: Company): CompanySettings {
  const known = settingsOf.get(company);
  if (known) return known;
  const parsed = companySettingsSchema.safeParse({
    providers: {},
    ...company.settings,
    id: company.id,
    name: company.name,
    assistantAddress: company.assistantAddress,
  });
  if (!parsed.success) throw new CompanySettingsError(company.id, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  settingsOf.set(company, parsed.data);
  return parsed.data;
}

/**
 * A detected link as the check sees it, for the company deciding (`companyId`). Another company's consent link is
 * only "external": its owner and the meeting behind its consent page are not the asker's to learn (the Decision
 * is shown to them, and the meeting's own link would let anyone skip that company's consent page).
 */
export async function eligibilityLink(link: DetectedLink, resolve: EligibilityPlannerOptions['consentLink'], companyId: string | undefined): Promise<EligibilityLink> {
  const base: EligibilityLink = { url: link.url, source: link.source };
  if (link.consentToken !== undefined) {
    const consent = await resolve?.(link.consentToken);
    return consent && companyId !== undefined && consent.companyId === companyId ? { ...base, consent } : { ...base, externalConsent: true };
  }
  return {
    ...base,
    ...(link.provider ? { provider: link.provider } : {}),
    ...(link.unsupportedProvider ? { unsupportedProvider: link.unsupportedProvider } : {}),
    ...(link.ref?.unjoinable ? { unjoinable: link.ref.unjoinable } : {}),
    ...(link.externalConsent ? { externalConsent: true } : {}),
  };
}

const domainOf = (email: string) => email.split('@').pop()?.toLowerCase() ?? '';

/** Plans through the pure eligibility check (DESIGN.md §2), gathering the company facts first. */
export function eligibilityPlanner(options: EligibilityPlannerOptions): IntakePlanner {
  const retired = options.retiredAssistantAddresses.map((address) => address.toLowerCase());
  return {
    async decide(facts) {
      const address = facts.assistantAddress.toLowerCase();
      const company = await options.companies.byAssistantAddress(address);
      let companyForRetired: CompanySettings | undefined;
      if (!company && retired.includes(address)) {
        const domain = domainOf(facts.requesterEmail);
        const all = (await options.companies.list()).map(companySettingsOf);
        companyForRetired = all.find((candidate) => candidate.emailDomains.some((d) => d.toLowerCase() === domain));
      }
      const deciding = company?.id ?? companyForRetired?.id;
      const links = await Promise.all(facts.meeting.links.map((link) => eligibilityLink(link, options.consentLink, deciding)));
      const eligibilityFacts: EligibilityFacts = {
        path: 'manual',
        now: facts.now,
        assistantAddress: address,
        ...(company ? { company: companySettingsOf(company) } : {}),
        ...(companyForRetired ? { companyForRetired } : {}),
        retiredAssistantAddresses: retired,
        requesterEmail: facts.requesterEmail,
        senderAuthenticated: facts.senderAuthenticated,
        meeting: { ...facts.meeting, links },
        consentOutcomes: [],
      };
      return { ...(await withOutcomes(eligibilityFacts, options)), request: decidedRequest(eligibilityFacts) };
    },
  };
}

/** Decides, then again with the consent choices made for the meeting the bot would join, when there are any. */
async function withOutcomes(asked: EligibilityFacts, options: EligibilityPlannerOptions): Promise<Decision> {
  const facts = await withHostAccount(asked, options.hostAccounts);
  const first = checkEligibility(facts);
  if (!options.consentOutcomes || !first.joinUrl || !facts.company) return first;
  const { startsAt, endsAt } = facts.meeting;
  const outcomes = await options.consentOutcomes({ companyId: facts.company.id, meetingUrl: first.joinUrl, startsAt, endsAt });
  return outcomes.length === 0 ? first : checkEligibility({ ...facts, consentOutcomes: outcomes });
}
