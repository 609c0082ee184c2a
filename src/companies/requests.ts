import { z } from 'zod';
import { checkEligibility, decidedRequest } from '../eligibility/check.js';
import type { ConsentLink, ConsentOutcome, Decision, EligibilityFacts, MeetingFacts } from '../eligibility/check.js';
import { withHostAccount, type HostAccountLookups } from '../eligibility/host-account.js';
import type { CompanySettings } from '../eligibility/settings.js';
import { parseCalendar } from '../intake/ical.js';
import { detectLinks, type DetectedLink } from '../intake/links.js';
import { urlMatchers } from '../intake/matchers.js';
import { eligibilityLink } from '../intake/planner.js';
import type { ParsedEvent } from '../intake/types.js';
import { TenancyError } from './settings-service.js';

/**
 * Recording requests and explanations over HTTP: the same link detection as an e-mailed invite, then the
 * one eligibility check. A request names its company; who asked is `requesterEmail` (or the older
 * `requestedBy`). An operator using the admin token may leave it out (an ad-hoc join).
 */
const isoTime = (field: string) => z.iso.datetime({ offset: true, error: `${field} must be an ISO 8601 time` });

const requestFields = {
  meetingUrl: z.url({ error: 'meetingUrl must be a URL' }).max(2000).optional(),
  /** Raw iCalendar text of the invite, instead of a meeting URL. */
  ics: z.string().min(1).max(1_000_000).optional(),
  startsAt: isoTime('startsAt').optional(),
  endsAt: isoTime('endsAt').optional(),
  start: isoTime('start').optional(),
  end: isoTime('end').optional(),
  title: z.string().max(500).optional(),
  requesterEmail: z.email().optional(),
  requestedBy: z.email().optional(),
};

const oneSource = (body: { meetingUrl?: string | undefined; ics?: string | undefined }) => (body.meetingUrl === undefined) !== (body.ics === undefined);
const oneSourceError = { error: 'give either meetingUrl or ics', path: ['meetingUrl'] };

export const recordingRequestBody = z.object(requestFields).strict().refine(oneSource, oneSourceError);
export const explainBody = z
  .object({ ...requestFields, company: z.string().min(1).optional(), companyId: z.string().min(1).optional() })
  .strict()
  .refine(oneSource, oneSourceError)
  .refine((body) => body.company !== undefined || body.companyId !== undefined, { error: 'company is required', path: ['company'] });

export type RequestBody = z.infer<typeof recordingRequestBody>;

export interface RequestDeciderDeps {
  retiredAssistantAddresses: readonly string[];
  consentLink?: (token: string) => Promise<ConsentLink | undefined>;
  consentOutcomes?: (occasion: { companyId: string; meetingUrl: string; startsAt: Date; endsAt: Date }) => Promise<ConsentOutcome[]>;
  /** Where this installation's consent pages live (ConsentOrigins), so a consent link in a request is recognized. */
  consentBases?: () => readonly string[];
  /** Asks a provider whether the company's own account hosts the meeting, for plans that need it (Zoom cloud). */
  hostAccounts?: HostAccountLookups;
}

export interface DecideInput {
  company: CompanySettings;
  body: RequestBody;
  /** True for the admin token: it may ask without naming a requester. */
  admin: boolean;
  now: Date;
  /** Count consent page choices already made (explain); a planned request leaves them to the join-time check. */
  withOutcomes: boolean;
  consentBaseUrl?: string;
}

const hourMs = 3_600_000;

/** The requester a request names, or undefined for an operator's ad-hoc join; refuses a company token without one. */
function requesterOf(body: RequestBody, admin: boolean): string | undefined {
  const email = body.requesterEmail ?? body.requestedBy;
  if (email === undefined && !admin) throw new TenancyError(400, 'invalid_request', 'requesterEmail: a company token must name who asks for the recording');
  return email?.toLowerCase();
}

function timesOf(body: RequestBody, now: Date, fallback?: { start?: string | undefined; end?: string | undefined }): { startsAt: Date; endsAt: Date } {
  const start = body.startsAt ?? body.start ?? fallback?.start;
  const end = body.endsAt ?? body.end ?? fallback?.end;
  const startsAt = start ? new Date(start) : now;
  const endsAt = end ? new Date(end) : new Date(startsAt.getTime() + hourMs);
  if (endsAt <= startsAt) throw new TenancyError(400, 'invalid_request', 'endsAt: must be after startsAt');
  return { startsAt, endsAt };
}

/** The first event of an .ics that is an invite, at its next occurrence (or its first, when all are over). */
function eventOf(ics: string, now: Date): { event: ParsedEvent; start?: string; end?: string; cancelled: boolean } {
  const calendar = parseCalendar(ics, { horizonDays: 366, now });
  if ('error' in calendar) throw new TenancyError(400, 'invalid_request', `ics: ${calendar.message}`);
  const event = calendar.events[0];
  if (!event) throw new TenancyError(400, 'invalid_request', 'ics: the calendar holds no event');
  const next = event.occurrences.find((occurrence) => Date.parse(occurrence.end) > now.getTime()) ?? event.occurrences[0];
  const cancelled = calendar.method === 'CANCEL' || event.status === 'CANCELLED';
  return { event, start: next?.start ?? event.start, end: next?.end ?? event.end, cancelled };
}

export class RequestDecider {
  constructor(private readonly deps: RequestDeciderDeps) {}

  /** The meeting a request describes, with every conference link found the way intake finds them. */
  async meetingOf(body: RequestBody, now: Date, companyId: string, consentBaseUrl?: string): Promise<MeetingFacts> {
    // The address this request came in on (where the API issues links) and every other base of ours.
    const options = { consentBaseUrls: [...(consentBaseUrl ? [consentBaseUrl] : []), ...(this.deps.consentBases?.() ?? [])] };
    let found: DetectedLink[];
    let meeting: Omit<MeetingFacts, 'links'>;
    if (body.ics !== undefined) {
      const { event, start, end, cancelled } = eventOf(body.ics, now);
      const sources = { structured: event.conference, location: event.location, description: event.description, descriptionHtml: event.descriptionHtml };
      found = detectLinks(sources, urlMatchers, options);
      const title = body.title ?? event.summary;
      meeting = {
        ...(event.organizer ? { organizerEmail: event.organizer.email } : {}),
        attendees: event.attendees.map((attendee) => attendee.email),
        ...(title ? { title } : {}),
        private: event.private,
        ...timesOf(body, now, { start, end }),
        cancelled,
      };
    } else {
      const url = body.meetingUrl ?? '';
      found = detectLinks({ structured: [url] }, urlMatchers, options);
      // A URL nobody recognizes is still the link that was asked for: "unsupported", not "missing".
      if (found.length === 0) found = [{ url, source: 'structured' }];
      meeting = { attendees: [], ...(body.title ? { title: body.title } : {}), ...timesOf(body, now), cancelled: false };
    }
    const links = await Promise.all(found.map((link) => eligibilityLink(link, this.deps.consentLink, companyId)));
    return { ...meeting, links };
  }

  /** Runs the check for a request to a known company; the decision carries its request for the join-time check. */
  async decide(input: DecideInput): Promise<{ decision: Decision; requester?: string }> {
    const requester = requesterOf(input.body, input.admin);
    const meeting = await this.meetingOf(input.body, input.now, input.company.id, input.consentBaseUrl);
    const facts: EligibilityFacts = {
      path: 'manual',
      now: input.now,
      assistantAddress: input.company.assistantAddress,
      company: input.company,
      retiredAssistantAddresses: this.deps.retiredAssistantAddresses,
      requesterEmail: requester ?? 'operator',
      ...(requester === undefined ? { operator: true } : {}),
      meeting,
      consentOutcomes: [],
    };
    const gathered = await withHostAccount(facts, this.deps.hostAccounts);
    const first = checkEligibility(gathered);
    const outcomes =
      input.withOutcomes && first.joinUrl !== undefined && this.deps.consentOutcomes
        ? await this.deps.consentOutcomes({ companyId: input.company.id, meetingUrl: first.joinUrl, startsAt: meeting.startsAt, endsAt: meeting.endsAt })
        : [];
    const decision = outcomes.length === 0 ? first : checkEligibility({ ...gathered, consentOutcomes: outcomes });
    return { decision: { ...decision, request: decidedRequest(facts) }, ...(requester ? { requester } : {}) };
  }
}
