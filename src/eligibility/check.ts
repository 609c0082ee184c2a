import { buildContext } from './context.js';
import type { Decision, EligibilityFacts } from './facts.js';
import { plannerByProvider } from './plan.js';
import type { Evaluation } from './reasons.js';
import { assistantAddressRules, requesterRules, senderRule } from './rules-access.js';
import { automaticRecordingRules } from './rules-automatic.js';
import { hostAccountRule } from './rules-account.js';
import { consentRules } from './rules-consent.js';
import { linkRules, providerRules, timingRules } from './rules-meeting.js';

export type { BotJoin, ConsentLink, ConsentOutcome, Decision, DecidedRequest, DetectedLink, EligibilityFacts, HostAccount, MeetingFacts } from './facts.js';
export { decidedRequest, factsFromRequest } from './facts.js';
export type { Check, Reason, ReasonCode } from './reasons.js';

/**
 * Decides whether a meeting may be recorded and how. Pure: the same facts always give the same
 * decision, so it runs at intake and again right before a bot joins. Every rule is evaluated, even
 * after one fails, so the decision answers "why not?" completely; rules that cannot apply are listed
 * as skipped with the reason.
 */
export function checkEligibility(facts: EligibilityFacts): Decision {
  const ctx = buildContext(facts);
  const evaluations: Evaluation[] = [
    ...assistantAddressRules(ctx),
    senderRule(ctx),
    ...requesterRules(ctx),
    ...linkRules(ctx),
    ...providerRules(ctx),
    hostAccountRule(ctx),
    ...consentRules(ctx),
    ...timingRules(ctx),
    ...automaticRecordingRules(ctx),
  ];
  const reasons = evaluations.flatMap((evaluation) => evaluation.reasons);
  const checks = evaluations.map((evaluation) => evaluation.check);
  const base = { path: facts.path, reasons, checks, ...(ctx.provider === undefined ? {} : { provider: ctx.provider }) };

  // A retired address never schedules, even when companyForRetired lets the other rules be checked.
  const eligible = reasons.length === 0 && ctx.company !== undefined && ctx.join !== undefined && !ctx.retired;
  if (!eligible || ctx.company === undefined || ctx.join === undefined) {
    return { ...base, eligible: false, plan: 'none' };
  }
  const planned = plannerByProvider[ctx.join.provider](ctx.company.providers);
  return { ...base, eligible: true, ...planned, joinUrl: ctx.join.url };
}
