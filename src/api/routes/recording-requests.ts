import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TenancyError, type TenancyApi } from '../../companies/index.js';
import { recordingRequestBody } from '../../companies/requests.js';
import { parseCalendar } from '../../intake/ical.js';
import { detectLinks, passcodeFor } from '../../intake/links.js';
import { urlMatchers } from '../../intake/matchers.js';
import { StoreLeases } from '../../store/leases.js';
import { principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';
import { consentBaseOf } from './explain.js';

const companyParams = z.object({ companyId: z.string().min(1) });
/** The meeting passcode, apart from the fields the decision reads: it is the bot's, never part of a Decision. */
const passcodeField = z.looseObject({ passcode: z.string().trim().min(1, 'passcode must not be empty').max(64, 'passcode is at most 64 characters').optional() });

/** The passcode an .ics request states next to the link to be joined, as intake reads it from an e-mailed invite. */
function icsPasscode(ics: string | undefined, joinUrl: string, now: Date): string | undefined {
  const calendar = ics === undefined ? undefined : parseCalendar(ics, { horizonDays: 366, now });
  const event = calendar && !('error' in calendar) ? calendar.events[0] : undefined;
  if (!event) return undefined;
  const sources = { structured: event.conference, location: event.location, description: event.description, descriptionHtml: event.descriptionHtml };
  return passcodeFor(detectLinks(sources, urlMatchers), joinUrl);
}

/**
 * `POST /v1/companies/:companyId/recording-requests`: link detection → eligibility → schedule, recording who
 * asked. A refused request answers 422 with the first reason's code and the whole Decision. Consent choices
 * are not read here: a decline before the join is enforced at the join, where the meeting occasion is known.
 * A meeting (same link, same start; without a start, one whose session is under way) that already has a session
 * not yet ended gets that session back with 200 and `existing: true`: a client's retry, or a request for a
 * meeting already forwarded, sends no second bot. An optional `passcode` (else the one an `ics` states by the
 * link) is kept for the bot to type when the meeting asks; answers show it masked.
 */
export function recordingRequestRoutes(app: FastifyInstance, deps: ApiDeps & { tenancy: TenancyApi }): void {
  // Two identical requests at once must not both find nothing and both plan: one at a time per meeting, across
  // every API process on the store.
  const meetings = new StoreLeases(deps.store.db, { ttlMs: 15_000, pollMs: 50 });
  app.post('/v1/companies/:companyId/recording-requests', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const company = await deps.tenancy.settings.read(companyId);
    if (!company) throw new TenancyError(404, 'not_found', `company ${companyId} not found`);
    const { passcode: given, ...fields } = parse(passcodeField, request.body);
    const body = parse(recordingRequestBody, fields);
    const now = new Date();
    const admin = principalOf(request).kind === 'admin';
    const { decision, requester } = await deps.tenancy.decider.decide({ company, body, admin, now, withOutcomes: false, consentBaseUrl: consentBaseOf(deps.tenancy, request) });
    const first = decision.reasons[0];
    if (!decision.eligible || decision.plan === 'none' || !decision.provider || !decision.joinUrl || !decision.request) {
      const message = decision.reasons.map((reason) => reason.message).join(' ');
      return reply.code(422).send({ error: first?.code ?? 'not_eligible', message, decision });
    }
    const startsAt = new Date(decision.request.meeting.startsAt);
    const { joinUrl, provider, plan, request: decided } = decision;
    const passcode = given ?? icsPasscode(body.ics, joinUrl, now);
    const key = `request:${companyId}\n${joinUrl}\n${startsAt.toISOString()}`;
    const warn = () => request.log.warn({ companyId, joinUrl }, 'another request for this meeting held its lease too long; planning without it');
    return meetings.serialize(key, 10_000, async () => {
      const named = body.startsAt !== undefined || body.start !== undefined || body.ics !== undefined;
      const existing = await deps.sessions.activeFor(companyId, joinUrl, named ? { startsAt } : { during: now });
      if (existing) return await reply.code(200).send({ session: existing, decision, existing: true });
      const session = await deps.sessions.create({
        companyId,
        provider,
        plan,
        meetingUrl: joinUrl,
        title: decided.meeting.title ?? null,
        requestedBy: requester ?? 'operator',
        startsAt,
        endsAt: new Date(decided.meeting.endsAt),
        joinAt: new Date(Math.max(now.getTime(), startsAt.getTime() - deps.leadSeconds * 1000)),
        decision,
        ...(passcode !== undefined ? { passcode } : {}),
      });
      await deps.scheduler.plan(session);
      return await reply.code(201).send({ session, decision });
    }, warn);
  });
}
