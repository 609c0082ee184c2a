import type { Context } from './context.js';
import { settingPath } from './paths.js';
import { providerStatus } from './provider-status.js';
import type { Evaluation } from './reasons.js';
import { fail, failMany, pass, skip, verdict } from './reasons.js';

/** Rules about the meeting itself: its link, its provider's settings, and whether it is still on. */

export function linkRules(ctx: Context): Evaluation[] {
  const { links } = ctx.facts.meeting;
  if (links.length === 0) {
    return [
      fail('conference_link_missing', 'The meeting has no conference link in its invite (structured fields, location or description).'),
      skip('conference_link_unsupported', 'not_evaluated', 'the meeting has no link at all'),
    ];
  }
  const present = pass('conference_link_missing', `The invite holds ${links.length} conference link(s).`);
  const unusable = ctx.join === undefined ? ctx.links.plain.find((link) => link.provider !== undefined && link.unjoinable !== undefined) : undefined;
  if (unusable?.provider !== undefined) {
    return [present, fail('conference_link_unsupported', `The meeting's ${unusable.provider} link cannot be used: ${unusable.unjoinable ?? ''}.`)];
  }
  if (ctx.provider !== undefined) {
    return [present, pass('conference_link_unsupported', `The meeting uses ${ctx.provider}, a supported provider.`)];
  }
  const named = links.map((link) => link.unsupportedProvider ?? (link.externalConsent === true ? 'another vendor’s consent page' : link.url));
  return [
    present,
    fail(
      'conference_link_unsupported',
      `None of the meeting's links is of a supported provider (meet, zoom, teams, webex): found ${named.join(', ')}.`,
    ),
  ];
}

export function providerRules(ctx: Context): Evaluation[] {
  const { company, provider } = ctx;
  if (company === undefined || provider === undefined) {
    const why = company === undefined ? 'no company could be identified' : 'the meeting has no link of a supported provider';
    return [skip('provider_disabled', 'not_evaluated', why), skip('provider_misconfigured', 'not_evaluated', why)];
  }
  const status = providerStatus(company)[provider];
  const toggle = settingPath('providers', provider, 'enabled');
  const enabled = verdict(
    'provider_disabled',
    status.enabled,
    `${provider} is enabled.`,
    `${provider} is turned off in ${company.name}'s web-conferencing settings: set ${toggle} to true.`,
    toggle,
  );
  if (status.errors.length > 0) {
    const summary = `${provider} is not set up correctly: ${status.errors.map((issue) => issue.message).join(' ')}`;
    const reasons = status.errors.map(({ message, setting }) => ({ message, setting }));
    return [enabled, failMany('provider_misconfigured', summary, reasons)];
  }
  const warnings = status.warnings.map((issue) => issue.message);
  const note = warnings.length === 0 ? '' : ` Warnings: ${warnings.join(' ')}`;
  return [enabled, pass('provider_misconfigured', `${provider} is set up correctly.${note}`)];
}

export function timingRules(ctx: Context): Evaluation[] {
  const { meeting, now } = ctx.facts;
  return [
    verdict('meeting_cancelled', !meeting.cancelled, 'The meeting is not cancelled.', 'The organizer cancelled the meeting.'),
    verdict(
      'meeting_over',
      meeting.endsAt.getTime() > now.getTime(),
      `The meeting ends at ${meeting.endsAt.toISOString()}, in the future.`,
      `The meeting already ended at ${meeting.endsAt.toISOString()}.`,
    ),
  ];
}
