import type { ProviderId } from '../../providers/types.js';
import { buildContext } from './context.js';
import type { EligibilityFacts, HostAccount } from './facts.js';
import { accountBoundPlans, plannerByProvider } from './plan.js';
import { usable } from './rules-account.js';
import type { CompanySettings } from './settings.js';

/** What a provider's API is asked: does the company's own account host the meeting behind `joinUrl`? */
export interface HostAccountQuery {
  company: CompanySettings;
  provider: ProviderId;
  joinUrl: string;
}

/** One provider's answer; implementations never throw (a failure is `unverified` with why) and keep it short. */
export type HostAccountLookup = (query: HostAccountQuery) => Promise<HostAccount>;

/** The lookups by provider, as data: the core asks whichever provider the plan fetches the recording from. */
export type HostAccountLookups = Partial<Record<ProviderId, HostAccountLookup>>;

/**
 * The facts with `hostAccount` gathered, for the pure check (which never asks anything itself). Only a plan that
 * fetches the recording from the company's own account needs it (plan.ts accountBoundPlans), with the provider on
 * and set up (otherwise another rule already refuses), and only before the meeting ends: an ended meeting may no
 * longer be listed by the provider (a cloud session's retry after the meeting would be refused for that).
 */
export async function withHostAccount(facts: EligibilityFacts, lookups: HostAccountLookups | undefined): Promise<EligibilityFacts> {
  const ctx = buildContext(facts);
  const { company, join } = ctx;
  if (company === undefined || join === undefined) return facts;
  if (!accountBoundPlans.has(plannerByProvider[join.provider](company.providers).plan) || !usable(ctx)) return facts;
  if (facts.meeting.endsAt.getTime() <= facts.now.getTime()) {
    return { ...facts, hostAccount: { hosted: 'unverified', why: 'the meeting is over, and an ended meeting may no longer be listed by the provider, so it was not asked' } };
  }
  const lookup = lookups?.[join.provider];
  const hostAccount: HostAccount = lookup
    ? await lookup({ company, provider: join.provider, joinUrl: join.url })
    : { hosted: 'unverified', why: `this Quorum has no way to ask ${join.provider} which account hosts a meeting` };
  return { ...facts, hostAccount };
}
