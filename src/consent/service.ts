import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { matchLink } from '../../providers/registry.js';
import type { ConsentLink, ConsentOutcome } from '../eligibility/check.js';
import type { EndCode } from '../sessions/end-codes.js';
import { toSession, type Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/session-store.js';
import { isEnded } from '../sessions/states.js';
import { StoreLeases } from '../store/leases.js';
import type { Database } from '../store/schema.js';
import { choiceCounts, choicePerParticipant, type Occasion } from './rules.js';
import type { ConsentChoice, ConsentStore, StoredChoice, StoredConsentLink } from './store.js';
import { hashToken, tokenPattern, type ParticipantHasher } from './tokens.js';

/** How long a click waits for an earlier click of the same participant before it is recorded anyway. */
const choiceLeaseWaitMs = 10_000;

/** The one scheduler call consent needs: end a session (planned or running) with an end code. */
export interface SessionAborter {
  abort(id: string, endCode: EndCode, reason: string): Promise<Session>;
}

export interface ConsentServiceDeps {
  db: Kysely<Database>;
  store: ConsentStore;
  sessions: SessionStore;
  scheduler: SessionAborter;
  hasher: ParticipantHasher;
  /** How long before a meeting's start a choice on a static (personal room) link counts for it. */
  windowMs: number;
  log: Logger;
}

/** A consent token resolved for eligibility: the link's facts and the stored link the bot must join. */
export interface ResolvedConsentLink {
  link: StoredConsentLink;
  consent: ConsentLink;
  /** The stored conference link: the bot joins this, never the consent page. */
  conferenceUrl: string;
}

/** The parts of a session (or a meeting occurrence not yet planned) consent outcomes depend on. */
export interface MeetingOccasion {
  id?: string;
  companyId: string;
  meetingUrl: string;
  startsAt: string | Date;
  endsAt: string | Date;
}

export interface ParticipantSeen {
  browserId?: string;
  address: string;
  userAgent: string;
}

/** A choice that counted for a session, as the session detail shows it (hashes, never addresses). */
export interface CountedChoice {
  id: string;
  linkId: string;
  linkType: StoredConsentLink['linkType'];
  choice: ConsentChoice;
  at: string;
  participant: string;
  userAgent: string | null;
}

export const declineReason = 'a participant chose "Join but don\'t record" on the consent page';

/** The canonical form of a conference link, as sessions and consent links are matched on it. */
export function meetingKeyOf(url: string): string {
  return matchLink(url)?.ref.url ?? url;
}

const toDate = (value: string | Date) => (typeof value === 'string' ? new Date(value) : value);

/**
 * Consent gating: resolves tokens for eligibility, records participants' choices once each, finds the
 * choices that count for a session, and ends sessions a participant declined (before the join: cancelled;
 * while recording: the bot leaves and its runner deletes the recording).
 */
export class ConsentService {
  /** One participant's clicks on one link, one at a time across every process on the store. */
  private readonly leases: StoreLeases;

  constructor(private readonly deps: ConsentServiceDeps) {
    this.leases = new StoreLeases(deps.db, { ttlMs: 15_000, pollMs: 50 });
  }

  /** For intake and eligibility: a token found in an invite (`<QUORUM_PUBLIC_URL>/c/<token>`). */
  async resolveToken(token: string): Promise<ResolvedConsentLink | undefined> {
    if (!tokenPattern.test(token)) return undefined;
    const link = await this.deps.store.byTokenHash(hashToken(token));
    if (!link) return undefined;
    return {
      link,
      consent: { companyId: link.companyId, linkType: link.linkType, provider: link.provider, targetUrl: link.conferenceUrl },
      conferenceUrl: link.conferenceUrl,
    };
  }

  /** The shape intake's planner takes (`EligibilityPlannerOptions.consentLink`). */
  readonly consentLink = async (token: string): Promise<ConsentLink | undefined> => (await this.resolveToken(token))?.consent;

  /** Eligibility's `consentOutcomes` for one meeting occurrence (planned or not). */
  async outcomesFor(occasion: MeetingOccasion): Promise<ConsentOutcome[]> {
    const counted = await this.countedFor(occasion);
    return counted.map((choice) => ({ choice: choice.choice, at: new Date(choice.at) }));
  }

  /** The choices that counted for a session: one per participant (a decline stands), on any link to its meeting. */
  async countedFor(occasion: MeetingOccasion): Promise<CountedChoice[]> {
    const links = await this.deps.store.linksForMeeting(occasion.companyId, meetingKeyOf(occasion.meetingUrl));
    if (links.length === 0) return [];
    const byId = new Map(links.map((link) => [link.id, link]));
    const window = await this.occasionOf(occasion, links);
    const choices = await this.deps.store.choices([...byId.keys()], window.endsAt.toISOString());
    const counted = choices.filter((choice) => {
      const link = byId.get(choice.linkId);
      return link !== undefined && choiceCounts(choice, link.linkType, window, this.deps.windowMs);
    });
    return choicePerParticipant(counted).map((choice) => ({
      id: choice.id,
      linkId: choice.linkId,
      linkType: byId.get(choice.linkId)?.linkType ?? 'dynamic',
      choice: choice.choice,
      at: choice.at,
      participant: choice.participant.slice(0, 12),
      userAgent: choice.userAgent,
    }));
  }

  /**
   * Records a participant's choice, once: a later click by the same participant for the same meeting only
   * passes through, except a decline after a "Join", which is recorded and stands. A decline ends the sessions
   * it counts for.
   */
  async recordChoice(link: StoredConsentLink, seen: ParticipantSeen, choice: ConsentChoice, now = new Date()): Promise<{ recorded: boolean }> {
    const participant = this.deps.hasher.participant(seen.browserId, seen.address, seen.userAgent);
    // A double-click sends two POSTs at once, and in scale-out two API processes may take one each: without the
    // lease both would find no earlier choice and both be stored.
    const key = `consent:${link.id}:${participant}`;
    return this.leases.serialize(key, choiceLeaseWaitMs, () => this.recordOnce(link, seen, participant, choice, now), () =>
      this.deps.log.warn({ linkId: link.id }, 'another click of this participant held its lease too long; recording without it (at worst the choice is stored twice)'),
    );
  }

  private async recordOnce(link: StoredConsentLink, seen: ParticipantSeen, participant: string, choice: ConsentChoice, now: Date): Promise<{ recorded: boolean }> {
    const { store, hasher } = this.deps;
    const candidate = { at: now.toISOString(), participant };
    const targets = await this.sessionsCountingNow(link, candidate);
    const earlier = await store.choices([link.id], undefined, participant);
    const counting =
      targets.length > 0
        ? earlier.filter((previous) => targets.some(({ occasion }) => choiceCounts(previous, link.linkType, occasion, this.deps.windowMs)))
        : earlier.filter((previous) => link.linkType === 'dynamic' || Date.parse(previous.at) >= now.getTime() - this.deps.windowMs);
    // Once per participant, but a decline is never swallowed by an earlier "Join".
    const duplicate = counting.length > 0 && (choice === 'record' || counting.some((previous) => previous.choice === 'no_record'));
    if (duplicate) return { recorded: false };
    const live = targets.find(({ session }) => !isEnded(session.state)) ?? targets[0];
    const stored = await store.addChoice({
      linkId: link.id,
      sessionId: live?.session.id ?? null,
      choice,
      at: candidate.at,
      participant,
      addressHash: hasher.hash('address', seen.address),
      userAgent: seen.userAgent.slice(0, 500),
    });
    this.deps.log.info({ linkId: link.id, choice, sessions: targets.map(({ session }) => session.id) }, 'consent choice recorded');
    for (const { session } of targets) await this.deps.sessions.note(session.id, 'consent_choice', { choice, choiceId: stored.id, linkId: link.id });
    if (choice === 'no_record') await this.decline(targets.map(({ session }) => session), stored);
    return { recorded: true };
  }

  /**
   * The last look before a bot joins: a decline recorded since the session was planned cancels it here
   * (no bot enters the meeting). Returns the ended session, or undefined to go ahead.
   */
  async beforeJoin(session: Session): Promise<Session | undefined> {
    const declines = (await this.countedFor(session)).filter((choice) => choice.choice === 'no_record');
    const first = declines[0];
    if (first === undefined) return undefined;
    this.deps.log.info({ sessionId: session.id, declines: declines.length }, 'consent declined before the join; no bot joins');
    return this.deps.sessions.transition(session.id, 'cancelled', {
      code: 'consent_declined',
      endCode: 'consent_declined',
      details: { reason: declineReason, declines: declines.length, firstAt: first.at, choiceId: first.id },
    });
  }

  private async decline(sessions: readonly Session[], choice: StoredChoice): Promise<void> {
    for (const session of sessions) {
      if (isEnded(session.state)) continue;
      await this.abortWithRetry(session.id, choice);
    }
  }

  // A planned session can be dispatched between reading its state and cancelling it; the second try then
  // reaches the running bot instead.
  private async abortWithRetry(sessionId: string, choice: StoredChoice): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.scheduler.abort(sessionId, 'consent_declined', declineReason);
        this.deps.log.info({ sessionId, choiceId: choice.id }, 'session ended: consent declined');
        return;
      } catch (error) {
        const current = await this.deps.sessions.get(sessionId);
        if (!current || isEnded(current.state) || attempt >= 3) {
          if (current && !isEnded(current.state)) this.deps.log.error({ err: error, sessionId }, 'could not end a declined session');
          return;
        }
      }
    }
  }

  /** Sessions of this link's meeting that a choice made now counts for, each with its occasion. */
  private async sessionsCountingNow(link: StoredConsentLink, choice: Pick<StoredChoice, 'at'>): Promise<Array<{ session: Session; occasion: Occasion }>> {
    const sessions = await this.sessionsOfMeeting(link.companyId, link.meetingKey, [link.conferenceUrl]);
    const result: Array<{ session: Session; occasion: Occasion }> = [];
    for (const session of sessions) {
      const occasion = previousEnd(session, sessions);
      if (choiceCounts(choice, link.linkType, occasion, this.deps.windowMs)) result.push({ session, occasion });
    }
    return result;
  }

  private async occasionOf(occasion: MeetingOccasion, links: readonly StoredConsentLink[]): Promise<Occasion> {
    const key = meetingKeyOf(occasion.meetingUrl);
    const others = await this.sessionsOfMeeting(occasion.companyId, key, [occasion.meetingUrl, ...links.map((link) => link.conferenceUrl)]);
    return previousEnd({ id: occasion.id ?? '', startsAt: toDate(occasion.startsAt).toISOString(), endsAt: toDate(occasion.endsAt).toISOString() }, others);
  }

  private async sessionsOfMeeting(companyId: string, meetingKey: string, urls: readonly string[]): Promise<Session[]> {
    const candidates = [...new Set([meetingKey, ...urls])];
    const rows = await this.deps.db.selectFrom('sessions').selectAll().where('company_id', '=', companyId).where('meeting_url', 'in', candidates).execute();
    return rows.map(toSession);
  }
}

/** The occasion of one session among its meeting's sessions: when it runs and when the one before ended. */
function previousEnd(session: Pick<Session, 'id' | 'startsAt' | 'endsAt'>, all: readonly Pick<Session, 'id' | 'startsAt' | 'endsAt'>[]): Occasion {
  const startsAt = new Date(session.startsAt);
  const earlier = all.filter((other) => other.id !== session.id && Date.parse(other.endsAt) <= startsAt.getTime()).map((other) => Date.parse(other.endsAt));
  const occasion: Occasion = { startsAt, endsAt: new Date(session.endsAt) };
  return earlier.length > 0 ? { ...occasion, previousEndsAt: new Date(Math.max(...earlier)) } : occasion;
}
