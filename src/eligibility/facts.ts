import type { ProviderId } from '../../providers/types.js';
import type { Check, Reason } from './reasons.js';
import type { CompanySettings, ConsentLinkType } from './settings.js';

/**
 * Everything eligibility needs, gathered by the caller beforehand so the check itself stays pure and
 * can run twice: at intake (to plan) and again just before a bot joins (consent outcomes and settings
 * may have changed in between).
 */
export interface EligibilityFacts {
  /** `manual`: someone invited or forwarded to the assistant. `automatic`: found on a synced calendar. */
  path: 'manual' | 'automatic';
  now: Date;
  /** The address the invite went to. Unused on the automatic path (nothing was sent to the assistant). */
  assistantAddress?: string;
  /** The company owning `assistantAddress` (or the synced calendar); undefined when none does. */
  company?: CompanySettings;
  /**
   * When the invite went to a retired generic address: the requester's company, found by the caller
   * from the requester's e-mail domain (`emailDomains`). The reply then names that company's unique
   * address, and the other rules are still evaluated against it so the answer is complete.
   */
  companyForRetired?: CompanySettings;
  /** Installation-wide generic addresses that no longer schedule anything. */
  retiredAssistantAddresses: readonly string[];
  /** Who asked: the sender of a forwarded invite, the organizer adding the assistant, the API caller. */
  requesterEmail: string;
  /**
   * An operator asked with the installation's admin token and named no requester (DESIGN.md §1, the ops
   * ad-hoc join). The requester rules do not apply to an operator; every other rule does, consent included.
   */
  operator?: boolean;
  /** DMARC (or aligned SPF/DKIM) result of the invite e-mail's sender; undefined when not an e-mail. */
  senderAuthenticated?: boolean;
  meeting: MeetingFacts;
  /** Choices made on this meeting's consent page so far. */
  consentOutcomes: readonly ConsentOutcome[];
  /** When the bot joined; a decline after that is the session's business, not this decision's. */
  botJoinedAt?: Date;
  /**
   * Whether the company's own account at the provider hosts the meeting, asked of the provider's API by the caller
   * beforehand (host-account.ts) when the plan fetches the recording from that account (Zoom cloud: recordings
   * belong to the host's account). Undefined: nobody asked.
   */
  hostAccount?: HostAccount;
}

/**
 * The provider's answer about the meeting's host account; `unverified` when it could not be asked, and why. Inside,
 * `autoRecording` is the meeting's own setting for starting the cloud recording, as the provider names it (Zoom's
 * `settings.auto_recording`: `cloud`, `local` or `none`), when the answer said; anything but `cloud` leaves it to
 * the host.
 */
export type HostAccount = { hosted: 'inside'; autoRecording?: string } | { hosted: 'outside'; detail: string } | { hosted: 'unverified'; why: string };

export interface MeetingFacts {
  organizerEmail?: string;
  attendees: readonly string[];
  title?: string;
  /** The calendar marks the event private (iCalendar CLASS:PRIVATE/CONFIDENTIAL). */
  private?: boolean;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
  /** Every conference link intake found, in its order: structured fields, then location, then description. */
  links: readonly DetectedLink[];
}

/** A Quorum consent page link: participants consent there, then go on to `targetUrl`. */
export interface ConsentLink {
  companyId: string;
  linkType: ConsentLinkType;
  provider: ProviderId;
  targetUrl: string;
}

export interface DetectedLink {
  url: string;
  /** Set when a supported provider's adapter claims the URL. */
  provider?: ProviderId;
  /** A recognized conference provider Quorum cannot join (e.g. `bluejeans`). */
  unsupportedProvider?: string;
  /** A supported provider's link in a form no bot can use, and why (the adapter's `MeetingRef.unjoinable`). */
  unjoinable?: string;
  /** Set when the URL is a Quorum consent page link (of this or another company). */
  consent?: ConsentLink;
  /** Another vendor's consent page (e.g. join.gong.io): its target is unknown and must not be bypassed. */
  externalConsent?: boolean;
  source: 'structured' | 'location' | 'description';
}

export interface ConsentOutcome {
  choice: 'record' | 'no_record';
  at: Date;
}

/** How a bot joins, when the plan is `bot`. */
export interface BotJoin {
  /** Joins with the company's signed-in bot account rather than as an anonymous guest. */
  signedIn: boolean;
  /** Zoom local recording needs the host's permission unless automatic permission is set up. */
  recordingPermission: 'not_needed' | 'ask_host' | 'automatic';
}

export interface Decision {
  eligible: boolean;
  path: 'manual' | 'automatic';
  /** `zoom_cloud`: no bot joins; the recording is fetched after Zoom's recording.completed webhook. */
  plan: 'bot' | 'zoom_cloud' | 'none';
  /** The meeting's provider, when a link of a supported provider was found (also when ineligible). */
  provider?: ProviderId;
  /** The URL the bot opens: a consent link's target, never the consent page itself. */
  joinUrl?: string;
  botJoin?: BotJoin;
  /** Why the meeting is recorded this way, naming the company setting that decides it (Zoom's cloud or local mode). */
  planReason?: string;
  /** Every failed rule, each with what to change; empty exactly when eligible. */
  reasons: Reason[];
  /** Every rule, in a fixed order, with its outcome. */
  checks: Check[];
  /**
   * The request the decision was made on (without the company settings, which are read fresh), kept with
   * the session so the same check can run again right before the bot joins. Set by the callers that plan.
   */
  request?: DecidedRequest;
}

/** The request side of the facts, as stored with a session (times as ISO strings). */
export interface DecidedRequest {
  path: EligibilityFacts['path'];
  assistantAddress?: string;
  requesterEmail: string;
  operator?: boolean;
  senderAuthenticated?: boolean;
  meeting: Omit<MeetingFacts, 'startsAt' | 'endsAt'> & { startsAt: string; endsAt: string };
}

/** What a session keeps of its facts; `factsFromRequest` turns it back into facts for a later check. */
export function decidedRequest(facts: EligibilityFacts): DecidedRequest {
  const { meeting } = facts;
  return {
    path: facts.path,
    ...(facts.assistantAddress === undefined ? {} : { assistantAddress: facts.assistantAddress }),
    requesterEmail: facts.requesterEmail,
    ...(facts.operator === true ? { operator: true } : {}),
    ...(facts.senderAuthenticated === undefined ? {} : { senderAuthenticated: facts.senderAuthenticated }),
    meeting: { ...meeting, links: [...meeting.links], attendees: [...meeting.attendees], startsAt: meeting.startsAt.toISOString(), endsAt: meeting.endsAt.toISOString() },
  };
}

/** The facts of a stored request, with what may have changed since it was decided filled in fresh. */
export function factsFromRequest(
  request: DecidedRequest,
  fresh: Pick<EligibilityFacts, 'now' | 'company' | 'retiredAssistantAddresses' | 'consentOutcomes'>,
): EligibilityFacts {
  const { meeting } = request;
  return {
    ...request,
    ...fresh,
    meeting: { ...meeting, startsAt: new Date(meeting.startsAt), endsAt: new Date(meeting.endsAt) },
  };
}
