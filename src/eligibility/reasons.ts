/**
 * Every eligibility rule in one table: its stable code (DESIGN.md §2), the sentence of the help article
 * it comes from (seed/recording-assistant-manual-requests.txt, quoted verbatim, "Gong" and all) and a
 * default message. check.ts builds specific messages naming the setting to change; the table is what the
 * API docs and the console list. A rule without an article sentence cites the design section instead.
 */
export type RulePath = 'manual' | 'automatic' | 'both';

interface RuleInfo {
  /** Which request paths evaluate the rule; the others report it as not applicable. */
  path: RulePath;
  sentence?: string;
  source?: string;
  message: string;
}

const excludeSentence =
  'Gong will not apply exclusion criteria from recordings such as private meetings, blocked domains, keywords, or specific participants';

export const rules = {
  requester_unknown: {
    path: 'both',
    sentence: 'This can be done by the meeting host or any team member with the right permissions.',
    message: 'The person who invited the assistant is not a user of the company.',
  },
  sender_not_authenticated: {
    path: 'both',
    source: 'DESIGN.md §8: spoofed mail must not schedule a recording',
    message: "The invite e-mail's sender failed DMARC (or SPF/DKIM alignment) for its domain.",
  },
  requester_no_seat: {
    path: 'both',
    sentence: 'Have a seat for a Gong application',
    message: 'The requester has no seat for a recording application.',
  },
  requester_lacks_manual_permission: {
    path: 'manual',
    sentence: 'Have a permission profile with Manually schedule & upload enabled.',
    message: 'The requester\'s permission profile lacks "Manually schedule & upload".',
  },
  assistant_address_retired: {
    path: 'manual',
    sentence: 'The older generic assistant address ([email protected]) can no longer be used for manual recording.',
    message: "The invite went to the retired generic assistant address; use the company's unique assistant address.",
  },
  assistant_address_unknown: {
    path: 'manual',
    sentence: 'Add your company’s Gong Assistant email address (e.g., [email protected]) as a participant to the meeting invite.',
    message: 'The assistant address matches no company.',
  },
  conference_link_missing: {
    path: 'both',
    sentence: 'The meeting must use a supported and recognized conference link',
    message: 'The meeting has no conference link.',
  },
  conference_link_unsupported: {
    path: 'both',
    sentence: 'The meeting must use a supported and recognized conference link',
    message: 'The meeting has links, but none of a supported provider.',
  },
  provider_disabled: {
    path: 'both',
    sentence:
      'In Company settings > Data Capture > Web conferencing, make sure the toggle for the provider (e.g., Zoom, Google Meet, etc.) in the first column is enabled.',
    message: "The meeting's provider is turned off in the company's web-conferencing settings.",
  },
  provider_misconfigured: {
    path: 'both',
    sentence: 'Each enabled provider must also be set up correctly.',
    message: "The meeting's provider has configuration errors (see the provider status).",
  },
  zoom_meeting_outside_account: {
    path: 'both',
    source: "docs/zoom.md: a cloud recording belongs to the host's Zoom account, so cloud mode fetches only meetings hosted in the company's own account",
    message:
      'The Zoom meeting is hosted outside the company\'s Zoom account, so cloud mode can never fetch its recording: ask the host to invite Quorum to a meeting of the company\'s account, or set providers.zoom.mode to "local" so a bot joins and asks the host.',
  },
  consent_link_required: {
    path: 'both',
    sentence: 'The meeting uses a Gong consent-enabled meeting link',
    message: "The call owner's consent profile enforces consent and the meeting does not use a consent-enabled link.",
  },
  consent_link_type_mismatch: {
    path: 'both',
    sentence:
      'The link type (static or dynamic) matches the configuration of the web conference provider in the consent profile',
    message: "The consent link's type differs from the type set for this provider in the consent profile.",
  },
  consent_bypass_link_present: {
    path: 'both',
    sentence:
      'The meeting description does not contain a different web conference URL that allows participants to bypass consent',
    message: 'The invite holds another conference URL that lets participants skip the consent page.',
  },
  consent_link_external: {
    path: 'both',
    sentence:
      'The consent-enabled link does not belong to an external company (e.g., another Gong customer who also uses Gong consent)',
    message: 'The consent-enabled link belongs to another company.',
  },
  consent_declined: {
    path: 'both',
    sentence:
      'Before joining the meeting, none of the participants click Join but don’t record on the Gong recording consent page.',
    message: 'A participant chose "Join but don\'t record" on the consent page.',
  },
  meeting_cancelled: {
    path: 'both',
    source: 'DESIGN.md §2: METHOD:CANCEL cancels',
    message: 'The meeting was cancelled.',
  },
  meeting_over: {
    path: 'both',
    source: 'DESIGN.md §2: the occurrence has already ended',
    message: 'The meeting has already ended.',
  },
  calendar_access_missing: {
    path: 'automatic',
    sentence: 'Gong does not need access to the user’s calendar meetings',
    message: 'Quorum has no access to the calendar.',
  },
  no_recordable_participant: {
    path: 'automatic',
    sentence: 'None of the internal meeting participants need to be marked as a recordable user',
    message: 'No internal participant is a recordable user.',
  },
  excluded_private: { path: 'automatic', sentence: excludeSentence, message: 'Private meetings are excluded.' },
  excluded_blocked_domain: {
    path: 'automatic',
    sentence: excludeSentence,
    message: 'A participant belongs to a blocked domain.',
  },
  excluded_keyword: { path: 'automatic', sentence: excludeSentence, message: 'The title holds an excluded keyword.' },
  excluded_participant: {
    path: 'automatic',
    sentence: excludeSentence,
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
  sentence?: string;
  skipped?: 'not_applicable' | 'not_evaluated' | 'not_verified';
}

/** What one rule contributes to a decision: its check, and a reason per thing to fix when it failed. */
export interface Evaluation {
  check: Check;
  reasons: Reason[];
}

function checkOf(rule: ReasonCode, passed: boolean, message: string): Check {
  const info: RuleInfo = rules[rule];
  return info.sentence === undefined ? { rule, passed, message } : { rule, passed, message, sentence: info.sentence };
}

export function pass(rule: ReasonCode, message: string): Evaluation {
  return { check: checkOf(rule, true, message), reasons: [] };
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
