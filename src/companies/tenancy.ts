import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ConsentLink, ConsentOutcome } from '../eligibility/check.js';
import type { HostAccountLookups } from '../eligibility/host-account.js';
import { eligibilityPlanner, type IntakePlanner } from '../intake/planner.js';
import type { Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Database } from '../store/schema.js';
import type { CompanyStore } from './company-store.js';
import type { TenancyApi } from './index.js';
import { joinCheck } from './join-check.js';
import { RequestDecider } from './requests.js';
import { CompanySettingsService } from './settings-service.js';
import { TokenStore } from './tokens.js';

/** What the consent module lends eligibility: token lookup and the choices made for an occasion. */
export interface ConsentFacts {
  consentLink(token: string): Promise<ConsentLink | undefined>;
  outcomesFor(occasion: { companyId: string; meetingUrl: string; startsAt: string | Date; endsAt: string | Date; id?: string }): Promise<ConsentOutcome[]>;
}

export interface TenancyOptions {
  db: Kysely<Database>;
  companies: CompanyStore;
  sessions: SessionStore;
  consent: ConsentFacts;
  retiredAssistantAddresses: readonly string[];
  publicUrl?: string;
  /** Where this installation's consent links live, for requests and the join-time check. */
  consentBases?: () => readonly string[];
  /** Asks a provider whether the company's own account hosts a meeting (Zoom cloud), wherever the check runs. */
  hostAccounts?: HostAccountLookups;
  logger: Logger;
}

export interface Tenancy extends TenancyApi {
  /** Intake's planner: the check with consent links resolved and consent choices counted. */
  planner: IntakePlanner;
  /** The check's second run right before a bot joins; a session it stops is returned ended. */
  eligibleAtJoin(session: Session): Promise<Session | undefined>;
}

/** Wires companies' settings, tokens and every place the eligibility check runs, for the composition root. */
export function createTenancy(options: TenancyOptions): Tenancy {
  const retired = options.retiredAssistantAddresses;
  const consentLink = (token: string) => options.consent.consentLink(token);
  const consentOutcomes = (occasion: { companyId: string; meetingUrl: string; startsAt: Date; endsAt: Date }) => options.consent.outcomesFor(occasion);
  const publicUrl = options.publicUrl ? { publicUrl: options.publicUrl } : {};
  const hostAccounts = options.hostAccounts ? { hostAccounts: options.hostAccounts } : {};
  return {
    settings: new CompanySettingsService(options.companies, retired),
    tokens: new TokenStore(options.db),
    decider: new RequestDecider({ retiredAssistantAddresses: retired, consentLink, consentOutcomes, ...hostAccounts, ...(options.consentBases ? { consentBases: options.consentBases } : {}) }),
    ...publicUrl,
    planner: eligibilityPlanner({ companies: options.companies, retiredAssistantAddresses: retired, consentLink, consentOutcomes, ...hostAccounts }),
    eligibleAtJoin: joinCheck({
      companies: options.companies,
      sessions: options.sessions,
      retiredAssistantAddresses: retired,
      consentOutcomes: (session) => options.consent.outcomesFor(session),
      log: options.logger.child({ component: 'eligibility' }),
      ...hostAccounts,
    }),
  };
}
