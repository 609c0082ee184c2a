import type { Logger } from 'pino';
import { checkEligibility, factsFromRequest } from '../eligibility/check.js';
import type { ConsentOutcome, Decision } from '../eligibility/check.js';
import { withHostAccount, type HostAccountLookups } from '../eligibility/host-account.js';
import { companySettingsOf } from '../intake/planner.js';
import type { Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { CompanyStore } from './company-store.js';

export interface JoinCheckDeps {
  companies: CompanyStore;
  sessions: SessionStore;
  retiredAssistantAddresses: readonly string[];
  consentOutcomes: (session: Session) => Promise<ConsentOutcome[]>;
  log: Logger;
  now?: () => Date;
  /** Asks a provider again whether the company's own account hosts the meeting (Zoom cloud), settings may have changed. */
  hostAccounts?: HostAccountLookups;
}

function storedRequest(session: Session): Decision['request'] {
  const decision = session.decision as Partial<Decision> | null;
  return decision?.request;
}

/**
 * A cloud recording is fetched after the meeting, so for plan `zoom_cloud` the meeting being over is the
 * normal case (a retry of a failed fetch, a process that was down during the meeting), not a reason to stop.
 * Every other rule still applies.
 */
function waivedFor(session: Session, code: string): boolean {
  return session.plan === 'zoom_cloud' && code === 'meeting_over';
}

/**
 * The second run of the check, right before a bot joins: the stored request with the company's settings
 * and the consent choices as they are now. A session it stops is cancelled with the first failed rule's
 * reason code as its end code, and the timeline event carries the whole decision. Sessions planned
 * before decisions carried their request (or by an operator's retry of one) go ahead unchecked.
 */
export function joinCheck(deps: JoinCheckDeps): (session: Session) => Promise<Session | undefined> {
  return async (session) => {
    const request = storedRequest(session);
    if (!request) return undefined;
    const stored = await deps.companies.get(session.companyId);
    const facts = factsFromRequest(request, {
      now: deps.now?.() ?? new Date(),
      ...(stored ? { company: companySettingsOf(stored) } : {}),
      retiredAssistantAddresses: deps.retiredAssistantAddresses,
      consentOutcomes: await deps.consentOutcomes(session),
    });
    const decision = checkEligibility(await withHostAccount(facts, deps.hostAccounts));
    const reasons = decision.reasons.filter((reason) => !waivedFor(session, reason.code));
    const first = reasons[0];
    if (decision.eligible || first === undefined) return undefined;
    deps.log.info({ sessionId: session.id, reasons: reasons.map((reason) => reason.code) }, 'no longer eligible at the join; no bot joins');
    return deps.sessions.transition(session.id, 'cancelled', {
      code: 'not_eligible_at_join',
      endCode: first.code,
      details: { reasons, decision: { ...decision, request } },
    });
  };
}
