import type { Context } from './context.js';
import type { DetectedLink } from './facts.js';
import { settingPath } from './paths.js';
import type { Evaluation, ReasonCode } from './reasons.js';
import { fail, pass, skip, verdict } from './reasons.js';

/**
 * Consent rules. They hold on both paths: inviting the assistant never overrides them ("Manually
 * scheduling a recording cannot override these requirements"). The link rules follow the call owner's
 * consent profile; a decline is honoured whatever the profile says.
 */

const enforcedRules = ['consent_link_required', 'consent_link_type_mismatch', 'consent_bypass_link_present'] as const;

export function consentRules(ctx: Context): Evaluation[] {
  const { company, consentProfile, consentProfileId } = ctx;
  if (company === undefined) {
    const why = 'no company could be identified';
    return [...enforcedRules.map((rule) => skip(rule, 'not_evaluated', why)), skip('consent_link_external', 'not_evaluated', why), declinedRule(ctx)];
  }
  if (consentProfile?.enforceConsent !== true || consentProfileId === undefined) {
    const why = notEnforcedWhy(ctx);
    return [...enforcedRules.map((rule) => skip(rule, 'not_applicable', why)), externalRule(ctx, false), declinedRule(ctx)];
  }
  return [requiredRule(ctx, consentProfileId), typeRule(ctx, consentProfileId), bypassRule(ctx), externalRule(ctx, true), declinedRule(ctx)];
}

/** Why the link rules do not apply, as one sentence for each way the call owner and profile can be missing. */
function notEnforcedWhy(ctx: Context): string {
  const { owner, consentProfile } = ctx;
  if (owner !== undefined) {
    return consentProfile === undefined
      ? `call owner ${owner.email} has no consent profile, so consent is not enforced`
      : `call owner ${owner.email}'s consent profile "${consentProfile.name}" does not enforce consent`;
  }
  if (consentProfile !== undefined) return `the call owner is not a user of the company, and the consent profile "${consentProfile.name}" does not enforce consent`;
  // An operator's ad-hoc join with no owner is held to the company's strictest profile (context.ts): there is none.
  return ctx.facts.operator === true
    ? 'the call owner is not a user of the company and none of its consent profiles enforces consent, so consent is not enforced'
    : 'the call owner is not a user of the company, so no consent profile applies and consent is not enforced';
}

function requiredRule(ctx: Context, profileId: string): Evaluation {
  const { own, external } = ctx.links;
  const setting = settingPath('consentProfiles', profileId, 'enforceConsent');
  const owner = ctx.owner?.email ?? 'the call owner';
  return verdict(
    'consent_link_required',
    own.length > 0 || external.length > 0,
    `The meeting uses a consent-enabled link, as ${owner}'s consent profile requires.`,
    `${owner}'s consent profile enforces consent (${setting}) and the meeting does not use a consent-enabled link: put the consent link in the invite instead of the conference link. Inviting the assistant does not override this.`,
    setting,
  );
}

function typeRule(ctx: Context, profileId: string): Evaluation {
  const consent = ctx.join?.consent;
  if (consent === undefined) return skip('consent_link_type_mismatch', 'not_evaluated', 'the meeting has no consent link of this company');
  const expected = ctx.consentProfile?.linkTypes[consent.provider];
  const setting = settingPath('consentProfiles', profileId, 'linkTypes', consent.provider);
  const configured = expected === undefined ? `no ${consent.provider} link type` : `${expected} links for ${consent.provider}`;
  return verdict(
    'consent_link_type_mismatch',
    expected === consent.linkType,
    `The consent link is ${consent.linkType}, as the consent profile sets for ${consent.provider}.`,
    `The consent link is ${consent.linkType} but the consent profile sets ${configured} (${setting}): send a ${expected ?? 'matching'} consent link, or change the setting.`,
    setting,
  );
}

/**
 * Any other conference link in the invite lets participants skip the consent page. The article names
 * the description; a structured or location link (Google Calendar adds a Meet link on its own) is the
 * same bypass, so every source counts.
 */
function bypassRule(ctx: Context): Evaluation {
  if (ctx.links.own.length === 0) return skip('consent_bypass_link_present', 'not_evaluated', 'the meeting has no consent link of this company');
  const others = ctx.links.plain;
  const listed = others.map((link: DetectedLink) => `${link.url} (${link.source})`).join(', ');
  return verdict(
    'consent_bypass_link_present',
    others.length === 0,
    'The invite holds no other conference URL next to the consent link.',
    `The invite also holds ${listed}, which lets participants join without the consent page: remove it from the invite.`,
  );
}

/**
 * Another company's (or vendor's) consent page must never be bypassed by joining its target. With
 * enforced consent such a link never counts; without, it only blocks when it is the only way in.
 */
function externalRule(ctx: Context, enforced: boolean): Evaluation {
  const { own, external, plain } = ctx.links;
  const usable = plain.some((link) => link.provider !== undefined);
  const blocks = own.length === 0 && external.length > 0 && (enforced || !usable);
  if (!blocks) {
    const message = external.length === 0 ? 'No consent link of another company is in the invite.' : 'A usable link of this company is in the invite.';
    return pass('consent_link_external', message);
  }
  // The owner is not named: which other company (or vendor) a link belongs to is not the asker's to learn.
  return fail(
    'consent_link_external',
    `The consent-enabled link ${external[0]?.url ?? ''} belongs to an external company; Quorum does not join through another company's consent page. Use a consent link of ${ctx.company?.name ?? 'your company'}.`,
  );
}

function declinedRule(ctx: Context): Evaluation {
  const { consentOutcomes, botJoinedAt } = ctx.facts;
  const declines = consentOutcomes.filter((outcome) => outcome.choice === 'no_record');
  // A decline at the very moment of joining counts as before: when in doubt, do not record.
  const before = declines.filter((outcome) => botJoinedAt === undefined || outcome.at.getTime() <= botJoinedAt.getTime());
  const rule: ReasonCode = 'consent_declined';
  if (before.length > 0) {
    const first = new Date(Math.min(...before.map((outcome) => outcome.at.getTime()))).toISOString();
    return fail(rule, `${before.length} participant(s) chose "Join but don't record" on the consent page before the bot joined (first at ${first}).`);
  }
  return pass(
    rule,
    declines.length > 0
      ? `Declines came only after the bot joined at ${botJoinedAt?.toISOString() ?? ''}; the running session handles them.`
      : 'Nobody declined recording on the consent page.',
  );
}
