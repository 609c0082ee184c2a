import type { Context } from './context.js';
import { sameAddress } from './context.js';
import { settingPath } from './paths.js';
import type { Evaluation, ReasonCode } from './reasons.js';
import { skip, verdict } from './reasons.js';
import type { CompanySettings } from './settings.js';
import { findUser } from './settings.js';

/**
 * Calendar-driven recording only. The article: "The following conditions which apply to automatic
 * recording do not apply when manually inviting the Assistant", so on the manual path each rule is
 * listed as not applicable rather than left out, and the decision says so.
 */

const automaticRules = [
  'calendar_access_missing',
  'no_recordable_participant',
  'excluded_private',
  'excluded_blocked_domain',
  'excluded_keyword',
  'excluded_participant',
] as const satisfies readonly ReasonCode[];

export function automaticRecordingRules(ctx: Context): Evaluation[] {
  if (ctx.facts.path === 'manual') {
    return automaticRules.map((rule) => skip(rule, 'not_applicable', 'does not apply to manual requests'));
  }
  const { company } = ctx;
  if (company === undefined) {
    return automaticRules.map((rule) => skip(rule, 'not_evaluated', 'no company could be identified'));
  }
  const access = settingPath('automaticRecording', 'calendarAccess');
  return [
    verdict(
      'calendar_access_missing',
      company.automaticRecording.calendarAccess,
      'Quorum has access to the calendar.',
      `Quorum has no access to the calendar: connect it and set ${access} to true.`,
      access,
    ),
    recordableRule(ctx, company),
    ...exclusionRules(ctx, company),
  ];
}

/** Everyone on the invite, the requester (whose calendar it is) included, without duplicates. */
function participants(ctx: Context): string[] {
  const { meeting, requesterEmail } = ctx.facts;
  const all = [meeting.organizerEmail, ...meeting.attendees, requesterEmail].filter((email): email is string => email !== undefined);
  return [...new Set(all.map((email) => email.trim().toLowerCase()))];
}

function recordableRule(ctx: Context, company: CompanySettings): Evaluation {
  const internal = participants(ctx).flatMap((email) => findUser(company, email) ?? []);
  const recordable = internal.filter((user) => user.recordable);
  const candidate = ctx.requester ?? internal[0];
  const setting = candidate === undefined ? 'users' : settingPath('users', candidate.email.toLowerCase(), 'recordable');
  const names = internal.map((user) => user.email).join(', ');
  return verdict(
    'no_recordable_participant',
    recordable.length > 0,
    `${recordable.map((user) => user.email).join(', ')} ${recordable.length === 1 ? 'is a recordable user' : 'are recordable users'}.`,
    internal.length === 0
      ? 'No participant is a user of the company, so none is recordable.'
      : `None of the internal participants (${names}) is a recordable user: set ${setting} to true.`,
    setting,
  );
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function exclusionRules(ctx: Context, company: CompanySettings): Evaluation[] {
  const { exclusions } = company.automaticRecording;
  const { meeting } = ctx.facts;
  const people = participants(ctx);
  const path = (key: keyof typeof exclusions): string => settingPath('automaticRecording', 'exclusions', key);

  const blocked = people.filter((email) =>
    exclusions.blockedDomains.some((domain) => {
      const d = domain.toLowerCase().replace(/^@/, '');
      return domainOf(email) === d || domainOf(email).endsWith(`.${d}`);
    }),
  );
  const title = (meeting.title ?? '').toLowerCase();
  const keywords = exclusions.keywords.filter((keyword) => title.includes(keyword.toLowerCase()));
  const excluded = people.filter((email) => exclusions.participants.some((other) => sameAddress(other, email)));
  const isPrivate = exclusions.privateMeetings && meeting.private === true;

  return [
    verdict('excluded_private', !isPrivate, 'The meeting is not an excluded private meeting.', `Private meetings are excluded from automatic recording (${path('privateMeetings')}).`, path('privateMeetings')),
    verdict('excluded_blocked_domain', blocked.length === 0, 'No participant belongs to a blocked domain.', `${blocked.join(', ')} belong(s) to a blocked domain (${path('blockedDomains')}).`, path('blockedDomains')),
    verdict('excluded_keyword', keywords.length === 0, 'The title holds no excluded keyword.', `The title holds excluded keyword(s) ${keywords.map((k) => `"${k}"`).join(', ')} (${path('keywords')}).`, path('keywords')),
    verdict('excluded_participant', excluded.length === 0, 'No excluded participant is invited.', `${excluded.join(', ')} is excluded from automatic recording (${path('participants')}).`, path('participants')),
  ];
}
