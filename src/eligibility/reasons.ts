/**
 * Every eligibility rule in one table: its stable code (DESIGN.md §2), the requirement it enforces, in the words
 * the console and the API show under each check, and a default message. check.ts builds specific messages naming
 * the setting to change. Where the rules come from is traced in check.test.ts, one case per source sentence.
 */
export type RulePath = 'manual' | 'automatic' | 'both';

interface RuleInfo {
  /** Which request paths evaluate the rule; the others report it as not applicable. */
  path: RulePath;
  requirement: string;
  message: string;
}

const excludeRequirement =
  'Automatic recording leaves out private meetings, blocked domains, excluded keywords and excluded participants; a manual request is not subject to these exclusions.';
const linkRequirement = 'The meeting uses a recognized conference link of a supported provider (Google Meet, Microsoft Teams, Webex, Zoom).';

export const rules = {
  requester_unknown: {
    path: 'both',
    requirement: 'Whoever asks (the meeting host, or any team member with the right permissions) is a user of the company.',
    message: 'The person who invited the assistant is not a user of the company.',
  },
  sender_not_authenticated: {
    path: 'both',
    requirement: "An invite e-mail counts only when its sender's domain vouches for it (DMARC, or aligned SPF or DKIM): a spoofed From schedules nothing.",
    message: "The invite e-mail's sender failed DMARC (or SPF/DKIM alignment) for its domain.",
  },
  requester_no_seat: {
    path: 'both',
    requirement: 'The requester has a seat for a recording application.',
    message: 'The requester has no seat for a recording application.',
  },
  requester_lacks_manual_permission: {
    path: 'manual',
    requirement: 'The requester\'s permission profile has "Manually schedule & upload" enabled.',
    message: 'The requester\'s permission profile lacks "Manually schedule & upload".',
  },
  assistant_address_retired: {
    path: 'manual',
    requirement: "The invite goes to the company's own assistant address: the older generic assistant address no longer schedules recordings.",
    message: "The invite went to the retired generic assistant address; use the company's unique assistant address.",
  },
  assistant_address_unknown: {
    path: 'manual',
    requirement: "The company's assistant address is a participant of the meeting invite.",
    message: 'The assistant address matches no company.',
  },
  conference_link_missing: {
    path: 'both',
    requirement: linkRequirement,
    message: 'The meeting has no conference link.',
  },
  conference_link_unsupported: {
    path: 'both',
    requirement: linkRequirement,
    message: 'The meeting has links, but none of a supported provider.',
  },
  provider_disabled: {
    path: 'both',
    requirement: "The meeting's provider is turned on in the company's web-conferencing settings (providers.<provider>.enabled).",
    message: "The meeting's provider is turned off in the company's web-conferencing settings.",
  },
  provider_misconfigured: {
    path: 'both',
    requirement: 'Each enabled provider is also set up correctly (the provider status lists what is missing).',
    message: "The meeting's provider has configuration errors (see the provider status).",
  },
  zoom_meeting_outside_account: {
    path: 'both',
    requirement: "In Zoom cloud mode, the meeting is hosted in the company's own Zoom account: a cloud recording belongs to the host's account.",
    message:
      'The Zoom meeting is hosted outside the company\'s Zoom account, so cloud mode can never fetch its recording: ask the host to invite Quorum to a meeting of the company\'s account, or set providers.zoom.mode to "local" so a bot joins and asks the host.',
  },
  consent_link_required: {
    path: 'both',
    requirement: "When the call owner's consent profile enforces consent, the meeting uses a consent-enabled meeting link of the company.",
    message: "The call owner's consent profile enforces consent and the meeting does not use a consent-enabled link.",
  },
  consent_link_type_mismatch: {
    path: 'both',
    requirement: "The consent link's type (static or dynamic) matches the type the consent profile sets for the meeting's provider.",
    message: "The consent link's type differs from the type set for this provider in the consent profile.",
  },
  consent_bypass_link_present: {
    path: 'both',
    requirement: 'The invite holds no other conference URL that would let participants skip the consent page.',
    message: 'The invite holds another conference URL that lets participants skip the consent page.',
  },
  consent_link_external: {
    path: 'both',
    requirement: 'The consent-enabled link belongs to this company, not to another company that also uses consent links.',
    message: 'The consent-enabled link belongs to another company.',
  },
  consent_declined: {
    path: 'both',
    requirement: 'Before the bot joins, no participant chooses "Join but don\'t record" on the consent page.',
    message: 'A participant chose "Join but don\'t record" on the consent page.',
  },
  meeting_cancelled: {
    path: 'both',
    requirement: 'The meeting is not cancelled (a cancellation from its organizer, METHOD:CANCEL, ends the plan).',
    message: 'The meeting was cancelled.',
  },
  meeting_over: {
    path: 'both',
    requirement: 'The meeting (or this occurrence of a series) has not ended yet.',
    message: 'The meeting has already ended.',
  },
  calendar_access_missing: {
    path: 'automatic',
    requirement: "Automatic recording needs access to the user's calendar; a manual request does not.",
    message: 'Quorum has no access to the calendar.',
  },
  no_recordable_participant: {
    path: 'automatic',
    requirement: 'Automatic recording needs an internal participant marked as a recordable user; a manual request does not.',
    message: 'No internal participant is a recordable user.',
  },
  excluded_private: { path: 'automatic', requirement: excludeRequirement, message: 'Private meetings are excluded.' },
  excluded_blocked_domain: {
    path: 'automatic',
    requirement: excludeRequirement,
    message: 'A participant belongs to a blocked domain.',
  },
  excluded_keyword: { path: 'automatic', requirement: excludeRequirement, message: 'The title holds an excluded keyword.' },
  excluded_participant: {
    path: 'automatic',
    requirement: excludeRequirement,
    message: 'An excluded participant is invited.',
  },
} as const satisfies Record<string, RuleInfo>;

export type ReasonCode = keyof typeof rules;

export function isReasonCode(value: string): value is ReasonCode {
  return Object.hasOwn(rules, value);
}

/** A failed rule; `setting` is the settings path to change, when a setting can fix it. */
export interface Reason {
  code: ReasonCode;
  message: string;
  setting?: string;
}

/**
 * One evaluated rule. Skipped rules count as passed (they cannot block) and say why they were skipped:
 * `not_applicable` (the rule does not apply on this path or with this consent profile),
 * `not_evaluated` (a fact it needs is missing, and another failed rule already explains why) or
 * `not_verified` (the fact comes from an outside service that could not be asked; the message says why, and
 * the request goes ahead rather than being refused for someone else's outage).
 */
export interface Check {
  rule: ReasonCode;
  passed: boolean;
  message: string;
  /** The rule's requirement (reasons.ts), the same for every check of the rule. */
  requirement?: string;
  skipped?: 'not_applicable' | 'not_evaluated' | 'not_verified';
  /**
   * A passed rule found something the requester must act on for the recording to exist, though it is no reason to
   * refuse (e.g. a Zoom meeting whose cloud recording the host has to start). Also part of `message`; the reply
   * e-mail lists it under the occurrence it concerns.
   */
  warning?: string;
}

/** What one rule contributes to a decision: its check, and a reason per thing to fix when it failed. */
export interface Evaluation {
  check: Check;
  reasons: Reason[];
}

function checkOf(rule: ReasonCode, passed: boolean, message: string): Check {
  return { rule, passed, message, requirement: rules[rule].requirement };
}

export function pass(rule: ReasonCode, message: string): Evaluation {
  return { check: checkOf(rule, true, message), reasons: [] };
}

/** Passes, with a warning for whoever asked (Check.warning); the message says it too, for views that show only that. */
export function passWithWarning(rule: ReasonCode, message: string, warning: string): Evaluation {
  return { check: { ...checkOf(rule, true, `${message} Warning: ${warning}`), warning }, reasons: [] };
}

export function fail(rule: ReasonCode, message: string = rules[rule].message, setting?: string): Evaluation {
  const reason: Reason = setting === undefined ? { code: rule, message } : { code: rule, message, setting };
  return { check: checkOf(rule, false, message), reasons: [reason] };
}

/** A rule failing for several independent things to fix, each with its own setting. */
export function failMany(rule: ReasonCode, summary: string, reasons: Omit<Reason, 'code'>[]): Evaluation {
  return { check: checkOf(rule, false, summary), reasons: reasons.map((reason) => ({ code: rule, ...reason })) };
}

export function skip(rule: ReasonCode, skipped: NonNullable<Check['skipped']>, message: string): Evaluation {
  return { check: { ...checkOf(rule, true, message), skipped }, reasons: [] };
}

/** Passes or fails one rule on a condition; the common shape of most rules. */
export function verdict(rule: ReasonCode, ok: boolean, passMessage: string, failMessage: string, setting?: string): Evaluation {
  return ok ? pass(rule, passMessage) : fail(rule, failMessage, setting);
}
