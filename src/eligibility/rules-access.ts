import type { Context } from './context.js';
import { settingPath } from './paths.js';
import type { Evaluation } from './reasons.js';
import { fail, pass, skip, verdict } from './reasons.js';

/** Rules about who asked and where the invite went. */

const noInvite = 'does not apply to automatic recording: nothing was sent to the assistant';

export function assistantAddressRules(ctx: Context): Evaluation[] {
  const { facts } = ctx;
  if (facts.path === 'automatic') {
    return [skip('assistant_address_retired', 'not_applicable', noInvite), skip('assistant_address_unknown', 'not_applicable', noInvite)];
  }
  const address = facts.assistantAddress ?? '(none)';
  const unique = facts.companyForRetired?.assistantAddress;
  const retired = ctx.retired
    ? fail(
        'assistant_address_retired',
        unique === undefined
          ? `${address} is the retired generic assistant address and can no longer be used for manual recording; invite your company's unique assistant address (its assistantAddress setting) instead.`
          : `${address} is the retired generic assistant address and can no longer be used for manual recording; invite ${unique}, ${facts.companyForRetired?.name ?? 'your company'}'s unique assistant address, instead.`,
      )
    : pass('assistant_address_retired', `${address} is not a retired assistant address.`);
  if (ctx.retired) {
    return [retired, skip('assistant_address_unknown', 'not_evaluated', 'the address is the retired generic address (see assistant_address_retired)')];
  }
  const unknown =
    facts.company === undefined
      ? fail('assistant_address_unknown', `${address} is not the assistant address of any company on this Quorum installation.`)
      : pass('assistant_address_unknown', `${address} is ${facts.company.name}'s assistant address.`);
  return [retired, unknown];
}

export function senderRule(ctx: Context): Evaluation {
  const { senderAuthenticated, requesterEmail } = ctx.facts;
  if (senderAuthenticated === undefined) {
    return skip('sender_not_authenticated', 'not_applicable', 'the request did not arrive by e-mail');
  }
  return verdict(
    'sender_not_authenticated',
    senderAuthenticated,
    `The e-mail from ${requesterEmail} passed DMARC for its domain.`,
    `The e-mail from ${requesterEmail} failed DMARC (or SPF/DKIM alignment) for its domain, so it may be spoofed; send it again from the company's own mail system.`,
  );
}

const operatorAsked = 'an operator asked with the admin token; the requester rules apply to company users, not to the operator';

export function requesterRules(ctx: Context): Evaluation[] {
  if (ctx.facts.operator === true) {
    return [skip('requester_unknown', 'not_applicable', operatorAsked), skip('requester_no_seat', 'not_applicable', operatorAsked), skip('requester_lacks_manual_permission', 'not_applicable', operatorAsked)];
  }
  return [requesterKnownRule(ctx), seatRule(ctx), manualPermissionRule(ctx)];
}

/** Why a requester rule could not be evaluated, or undefined when it can be. */
function missingRequester(ctx: Context): string | undefined {
  if (ctx.company === undefined) return 'no company could be identified from the assistant address';
  if (ctx.requester === undefined) return `${ctx.facts.requesterEmail} is not a user of ${ctx.company.name}`;
  return undefined;
}

function requesterKnownRule(ctx: Context): Evaluation {
  const { company, requester, facts } = ctx;
  if (company === undefined) return skip('requester_unknown', 'not_evaluated', 'no company could be identified from the assistant address');
  const setting = settingPath('users', facts.requesterEmail.trim().toLowerCase());
  return requester === undefined
    ? fail('requester_unknown', `${facts.requesterEmail} is not a user of ${company.name}: add them under ${setting}.`, setting)
    : pass('requester_unknown', `${requester.email} is a user of ${company.name}.`);
}

function seatRule(ctx: Context): Evaluation {
  const why = missingRequester(ctx);
  if (why !== undefined || ctx.requester === undefined) return skip('requester_no_seat', 'not_evaluated', why ?? '');
  const { email, seat } = ctx.requester;
  const setting = settingPath('users', email.toLowerCase(), 'seat');
  return verdict('requester_no_seat', seat, `${email} has a seat.`, `${email} has no seat for a recording application: set ${setting} to true.`, setting);
}

function manualPermissionRule(ctx: Context): Evaluation {
  const { company, requester, facts } = ctx;
  if (facts.path === 'automatic') {
    return skip('requester_lacks_manual_permission', 'not_applicable', 'does not apply to automatic recording');
  }
  const why = missingRequester(ctx);
  if (why !== undefined || company === undefined || requester === undefined) {
    return skip('requester_lacks_manual_permission', 'not_evaluated', why ?? '');
  }
  const profileId = requester.permissionProfile;
  const profile = Object.hasOwn(company.permissionProfiles, profileId) ? company.permissionProfiles[profileId] : undefined;
  if (profile === undefined) {
    const setting = settingPath('users', requester.email.toLowerCase(), 'permissionProfile');
    return fail(
      'requester_lacks_manual_permission',
      `${requester.email}'s permission profile "${profileId}" does not exist: set ${setting} to a profile with "Manually schedule & upload".`,
      setting,
    );
  }
  const setting = settingPath('permissionProfiles', profileId, 'manualScheduleAndUpload');
  return verdict(
    'requester_lacks_manual_permission',
    profile.manualScheduleAndUpload,
    `${requester.email}'s permission profile "${profile.name}" allows "Manually schedule & upload".`,
    `${requester.email}'s permission profile "${profile.name}" lacks "Manually schedule & upload": set ${setting} to true, or give ${requester.email} a profile that has it.`,
    setting,
  );
}
