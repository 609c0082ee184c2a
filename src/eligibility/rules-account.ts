import type { Context } from './context.js';
import { settingPath } from './paths.js';
import { accountBoundPlans, plannerByProvider } from './plan.js';
import { providerStatus } from './provider-status.js';
import type { Evaluation } from './reasons.js';
import { fail, pass, passWithWarning, skip } from './reasons.js';

const rule = 'zoom_meeting_outside_account';

/**
 * A cloud recording belongs to the host's account, so a plan that fetches it from the company's own account can
 * only record meetings hosted there. The fact comes from the provider's API (EligibilityFacts.hostAccount); when it
 * could not be asked the rule passes as `not_verified`: an outage at the provider must not refuse every request.
 */
export function hostAccountRule(ctx: Context): Evaluation {
  const { company, join } = ctx;
  if (company === undefined) return skip(rule, 'not_evaluated', 'no company could be identified');
  if (join === undefined) return skip(rule, 'not_evaluated', 'the meeting has no link a recording could be made from');
  const { plan } = plannerByProvider[join.provider](company.providers);
  if (!accountBoundPlans.has(plan)) {
    return skip(rule, 'not_applicable', `plan ${plan}: the recording is not fetched from ${company.name}'s own account at the provider`);
  }
  if (!usable(ctx)) return skip(rule, 'not_evaluated', `${join.provider} is off or not set up (see provider_disabled and provider_misconfigured)`);
  const fact = ctx.facts.hostAccount;
  const later = 'The recording is planned anyway; a meeting hosted elsewhere would end cloud_recording_missing after it.';
  if (fact === undefined) return skip(rule, 'not_verified', `Not verified: nobody asked which account hosts the meeting. ${later}`);
  if (fact.hosted === 'unverified') return skip(rule, 'not_verified', `Not verified: ${fact.why}. ${later}`);
  if (fact.hosted === 'inside') {
    const inside = `${company.name}'s Zoom account hosts the meeting, so its cloud recording can be fetched.`;
    // Not a refusal: the host may still press Record to the cloud; only without that does nothing arrive.
    if (fact.autoRecording === undefined || fact.autoRecording === 'cloud') return pass(rule, inside);
    return passWithWarning(rule, inside, notAutomatic(fact.autoRecording));
  }
  const mode = settingPath('providers', join.provider, 'mode');
  return fail(
    rule,
    `The Zoom meeting ${join.url} is not hosted in ${company.name}'s Zoom account (${fact.detail}), and a cloud recording belongs to the host's account, so Quorum could never fetch it. Ask the host to invite Quorum to a meeting of ${company.name}'s Zoom account, or set ${mode} to "local" so a bot joins and asks the host for permission to record.`,
    mode,
  );
}

/** The warning for a meeting whose cloud recording does not start by itself (Zoom's `settings.auto_recording`). */
export function notAutomatic(autoRecording: string): string {
  return `cloud recording is not set to start automatically for this meeting: the host must start Record to the cloud, or turn on automatic cloud recording in Zoom (the meeting's auto_recording is "${autoRecording}"); otherwise no recording arrives and the session ends cloud_recording_missing after the meeting.`;
}

/** The provider is on and set up, so its account can be asked (and a refusal would not repeat another rule's). */
export function usable(ctx: Context): boolean {
  if (ctx.company === undefined || ctx.join === undefined) return false;
  const status = providerStatus(ctx.company)[ctx.join.provider];
  return status.enabled && status.errors.length === 0;
}
