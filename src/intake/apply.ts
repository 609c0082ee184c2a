import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Decision } from '../eligibility/check.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Session } from '../sessions/session.js';
import { isEnded } from '../sessions/states.js';
import { detectLinks, passcodeFor, type DetectedLink } from './links.js';
import { urlMatchers } from './matchers.js';
import type { Meeting, MeetingOccurrence, MeetingsStore } from './meetings-store.js';
import type { IntakePlanner } from './planner.js';
import type { EventOutcome, OccurrenceChange, OccurrenceOutcome } from './outcomes.js';
import type { Occurrence, ParsedEvent } from './types.js';

/** What applying needs from the scheduler: (re)plan a join, or cancel one. */
export interface JoinPlanner {
  plan(session: Session): Promise<void>;
  abort(id: string, endCode: 'meeting_cancelled', reason: string): Promise<Session>;
}

/** The records applying reads and writes: the stores themselves, or one invite's batch of writes (InviteWrites). */
export type MeetingRecords = Pick<MeetingsStore, 'meetings' | 'occurrences' | 'putMeeting' | 'putOccurrence' | 'moveSession' | 'sharedSession'>;
export type SessionRecords = Pick<SessionStore, 'get' | 'create' | 'note' | 'activeFor' | 'passcode'>;

export interface ApplyDeps {
  store: MeetingRecords;
  sessions: SessionRecords;
  scheduler: JoinPlanner;
  planner: IntakePlanner;
  leadSeconds: number;
  log: Logger;
  /** Where this installation's consent links live (ConsentOrigins), read at each invite. */
  consentBases?: () => readonly string[];
}

/** One invite e-mail's context, shared by every event it carries. */
export interface InviteContext {
  now: Date;
  /** The company the meeting is stored under ('' when the address matched none). */
  companyId: string;
  assistantAddress: string;
  requesterEmail: string;
  senderAuthenticated: boolean;
  /** The inbound message id, so a meeting names the mail that last changed it. */
  messageId: string;
  method: string;
  bodyText?: string;
  bodyHtml?: string;
}

const keyOf = (occurrence: Occurrence) => occurrence.recurrenceId ?? '';

/** Exchange exports without a UID still get a stable identity, so a second copy is a duplicate. */
export function uidOf(event: ParsedEvent): string {
  if (event.uid) return event.uid;
  const seed = [event.organizer?.email, event.start, event.summary].join('|');
  return `quorum-no-uid-${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`;
}

/** The key one meeting's changes are serialized by (KeyedLock): company + UID; an override shares its series' key. */
export function meetingKey(companyId: string, uid: string): string {
  return `${companyId}\u0000${uid}`;
}

/**
 * RFC 5546 §2.1.5: a higher SEQUENCE wins; an equal one wins only with a newer DTSTAMP (otherwise it is the same
 * invite again, e.g. forwarded twice); a lower one is stale.
 */
export function ordering(event: ParsedEvent, current: Meeting | undefined): 'apply' | 'lower' | 'duplicate' {
  if (!current) return 'apply';
  if (event.sequence < current.sequence) return 'lower';
  if (event.sequence > current.sequence) return 'apply';
  const newer = event.dtstamp !== undefined && current.dtstamp !== null && event.dtstamp > current.dtstamp;
  return newer ? 'apply' : 'duplicate';
}

const domainOf = (email: string | null) => email?.split('@').pop()?.toLowerCase();

/**
 * Who may change a stored meeting: whoever asked for it, a colleague at the same domain, or its organizer.
 * Anyone invited to a meeting knows its UID; without this an outsider could forward a CANCEL for it.
 */
function mayChange(current: Meeting, invite: InviteContext): boolean {
  const requester = invite.requesterEmail.toLowerCase();
  return requester === current.organizer?.toLowerCase() || requester === current.requestedBy?.toLowerCase() || domainOf(requester) === domainOf(current.requestedBy);
}

function meetingRow(event: ParsedEvent, invite: InviteContext, uid: string, recurrenceId: string, cancelled: boolean): Meeting {
  return {
    companyId: invite.companyId,
    uid,
    recurrenceId,
    sequence: event.sequence,
    dtstamp: event.dtstamp ?? null,
    method: invite.method,
    status: cancelled ? 'cancelled' : 'active',
    title: event.summary ?? null,
    organizer: event.organizer?.email ?? null,
    requestedBy: invite.requesterEmail,
    startsAt: event.start ?? null,
    endsAt: event.end ?? null,
    details: {
      attendees: event.attendees.map((attendee) => attendee.email),
      ...(event.rrule ? { rrule: event.rrule } : {}),
      ...(event.timeZone ? { timeZone: event.timeZone } : {}),
      allDay: event.allDay,
      conference: event.conference,
      ...(event.location ? { location: event.location } : {}),
    },
    messageId: invite.messageId,
  };
}

function outcomeOf(row: MeetingOccurrence, change: OccurrenceChange, session?: Session): OccurrenceOutcome {
  const decision = (row.decision ?? undefined) as Decision | undefined;
  return {
    occurrence: row.occurrence,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    status: row.status,
    change,
    ...(row.sessionId ? { sessionId: row.sessionId } : {}),
    ...((session?.provider ?? decision?.provider) ? { provider: session?.provider ?? decision?.provider } : {}),
    ...(decision ? { decision } : {}),
  };
}

/** Applies one event of an invite: ordering first, then the occurrences it plans, moves or cancels. */
export async function applyEvent(deps: ApplyDeps, invite: InviteContext, event: ParsedEvent): Promise<EventOutcome> {
  const uid = uidOf(event);
  const recurrenceId = event.recurrenceId ?? '';
  const cancelled = invite.method === 'CANCEL' || event.status === 'CANCELLED';
  const base = { uid, ...(recurrenceId ? { recurrenceId } : {}), ...(event.summary ? { title: event.summary } : {}), sequence: event.sequence };
  // One read for the UID's master and overrides: the version stored, the series, and the overrides planning needs.
  const stored = await deps.store.meetings(invite.companyId, uid);
  const current = stored.find((m) => m.recurrenceId === recurrenceId);
  // An override seen for the first time is stale only against its series.
  const against = current ?? (recurrenceId ? stored.find((m) => m.recurrenceId === '') : undefined);
  const order = current ? ordering(event, current) : against && event.sequence < against.sequence ? 'lower' : 'apply';
  if (against && order === 'apply' && !mayChange(against, invite) && !(await unclaimed(deps, invite, uid, cancelled))) {
    deps.log.warn({ uid, requester: invite.requesterEmail }, 'update from someone who neither asked for nor organizes the meeting');
    return { ...base, result: 'not_authorized', currentSequence: against.sequence, occurrences: [] };
  }
  if (order !== 'apply') {
    const rows = await deps.store.occurrences(invite.companyId, uid);
    const mine = rows.filter((row) => !recurrenceId || row.occurrence === recurrenceId);
    if (order === 'duplicate' && current && mine.some((row) => row.status === 'rejected')) {
      const overrides = recurrenceId ? [] : stored.filter((m) => m.recurrenceId !== '');
      return { ...base, ...(await requestAgain(deps, invite, event, current, mine, overrides)) };
    }
    deps.log.info({ uid, recurrenceId, sequence: event.sequence, current: against?.sequence, order }, 'invite version not applied');
    const result = order === 'lower' ? 'ignored_lower_sequence' : 'duplicate';
    return { ...base, result, currentSequence: against?.sequence ?? event.sequence, occurrences: mine.map((row) => outcomeOf(row, 'unchanged')) };
  }
  await deps.store.putMeeting(meetingRow(event, invite, uid, recurrenceId, cancelled));
  const overrides = recurrenceId ? [] : stored.filter((m) => m.recurrenceId !== '');
  const occurrences = cancelled ? await cancelEvent(deps, invite, uid, event) : await planEvent(deps, invite, uid, event, overrides);
  return { ...base, result: cancelled ? 'cancelled' : 'applied', occurrences };
}

/**
 * A meeting with nothing planned is no one's recording yet: a version from someone else that does not cancel it
 * is their request (a colleague forwarding what an external organizer sent, turned down for the organizer).
 */
async function unclaimed(deps: ApplyDeps, invite: InviteContext, uid: string, cancelled: boolean): Promise<boolean> {
  if (cancelled) return false;
  return !(await deps.store.occurrences(invite.companyId, uid)).some((row) => row.status === 'planned');
}

/**
 * The same version of an invite again, with occurrences that were turned down: decided again for them, as a new
 * request. A colleague forwarding what an external organizer sent the assistant, or the requester sending it
 * again once given a seat. When it plans one, the meeting becomes the requester's (later occurrences of a series
 * are planned for them).
 */
async function requestAgain(deps: ApplyDeps, invite: InviteContext, event: ParsedEvent, current: Meeting, rows: MeetingOccurrence[], overrides: Meeting[]): Promise<Pick<EventOutcome, 'result' | 'currentSequence' | 'occurrences'>> {
  const byKey = new Map(rows.map((row) => [row.occurrence, row]));
  const occurrences: OccurrenceOutcome[] = [];
  for (const occurrence of event.occurrences) {
    const key = keyOf(occurrence);
    const row = byKey.get(key);
    byKey.delete(key);
    if (!row || row.status !== 'rejected' || ownedByOverride(overrides, key, event)) {
      if (row) occurrences.push(outcomeOf(row, 'unchanged'));
      continue;
    }
    occurrences.push(await planOccurrence(deps, invite, current.uid, event, occurrence, row));
  }
  occurrences.push(...[...byKey.values()].map((row) => outcomeOf(row, 'unchanged')));
  const planned = occurrences.some((outcome) => outcome.change === 'new');
  if (planned) await deps.store.putMeeting({ ...current, requestedBy: invite.requesterEmail, messageId: invite.messageId });
  deps.log.info({ uid: current.uid, requester: invite.requesterEmail, planned }, 'same invite from another requester decided for them');
  return { result: planned ? 'applied' : 'duplicate', currentSequence: current.sequence, occurrences };
}

async function cancelEvent(deps: ApplyDeps, invite: InviteContext, uid: string, event: ParsedEvent): Promise<OccurrenceOutcome[]> {
  const stored = await deps.store.occurrences(invite.companyId, uid);
  // A CANCEL without RECURRENCE-ID ends every occurrence of the UID; with one, only that occurrence.
  const targets = event.recurrenceId ? stored.filter((row) => row.occurrence === event.recurrenceId) : stored;
  const outcomes: OccurrenceOutcome[] = [];
  for (const row of targets) outcomes.push(await cancelOccurrence(deps, row));
  if (event.recurrenceId && targets.length === 0 && event.start && event.end) {
    // Cancelled before it was ever planned (e.g. past the horizon): remembered so a stale copy cannot plan it.
    const row: MeetingOccurrence = { companyId: invite.companyId, uid, occurrence: event.recurrenceId, startsAt: event.start, endsAt: event.end, status: 'cancelled', sessionId: null, decision: null };
    await deps.store.putOccurrence(row);
    outcomes.push(outcomeOf(row, 'cancelled'));
  }
  return outcomes;
}

async function cancelOccurrence(deps: ApplyDeps, row: MeetingOccurrence): Promise<OccurrenceOutcome> {
  if (row.sessionId) {
    const session = await deps.sessions.get(row.sessionId);
    // Another invite for the same meeting still wants the recording: only this one's occurrence is cancelled.
    const shared = await deps.store.sharedSession(row.sessionId, row.uid);
    if (session && !isEnded(session.state) && !shared) await deps.scheduler.abort(session.id, 'meeting_cancelled', 'the organizer cancelled the meeting');
  }
  const cancelled: MeetingOccurrence = { ...row, status: 'cancelled' };
  await deps.store.putOccurrence(cancelled);
  return outcomeOf(cancelled, 'cancelled');
}

/** A separately received override at least as new as this series version keeps its own time (or cancellation). */
function ownedByOverride(overrides: Meeting[], occurrence: string, event: ParsedEvent): boolean {
  return overrides.some((m) => m.recurrenceId === occurrence && m.sequence >= event.sequence);
}

/** The occurrences an applied REQUEST/PUBLISH wants, with slots the new version dropped cancelled. */
async function planEvent(deps: ApplyDeps, invite: InviteContext, uid: string, event: ParsedEvent, overrides: Meeting[]): Promise<OccurrenceOutcome[]> {
  const stored = new Map((await deps.store.occurrences(invite.companyId, uid)).map((row) => [row.occurrence, row]));
  const outcomes: OccurrenceOutcome[] = [];
  const wanted = new Set<string>();
  for (const occurrence of event.occurrences) {
    const key = keyOf(occurrence);
    wanted.add(key);
    if (ownedByOverride(overrides, key, event)) {
      const row = stored.get(key);
      if (row) outcomes.push(outcomeOf(row, 'unchanged'));
      continue;
    }
    if (occurrence.override?.status === 'CANCELLED') {
      const row = stored.get(key);
      if (row) outcomes.push(await cancelOccurrence(deps, row));
      continue;
    }
    outcomes.push(await planOccurrence(deps, invite, uid, event, occurrence, stored.get(key)));
  }
  if (!event.recurrenceId) {
    const nowIso = invite.now.toISOString();
    for (const row of stored.values()) {
      // A slot the new version no longer has (EXDATE added, rule changed); past slots are history, left alone.
      if (wanted.has(row.occurrence) || row.status === 'cancelled' || row.endsAt <= nowIso) continue;
      if (ownedByOverride(overrides, row.occurrence, event)) continue;
      outcomes.push(await cancelOccurrence(deps, row));
    }
  }
  return outcomes;
}

/**
 * Plans the occurrences of `event` that have no stored row yet, as the planning horizon moves on over a
 * series; stored occurrences, cancelled ones and slots a newer override owns are left as they are.
 */
export async function planNewOccurrences(deps: ApplyDeps, invite: InviteContext, uid: string, event: ParsedEvent): Promise<OccurrenceOutcome[]> {
  const stored = new Set((await deps.store.occurrences(invite.companyId, uid)).map((row) => row.occurrence));
  const overrides = event.recurrenceId ? [] : (await deps.store.meetings(invite.companyId, uid)).filter((m) => m.recurrenceId !== '');
  const outcomes: OccurrenceOutcome[] = [];
  for (const occurrence of event.occurrences) {
    const key = keyOf(occurrence);
    if (stored.has(key) || occurrence.override?.status === 'CANCELLED') continue;
    if (ownedByOverride(overrides, key, event)) continue;
    outcomes.push(await planOccurrence(deps, invite, uid, event, occurrence, undefined));
  }
  return outcomes;
}

function linksFor(deps: ApplyDeps, invite: InviteContext, event: ParsedEvent, occurrence: Occurrence) {
  const override = occurrence.override;
  const description = [override?.description ?? event.description, invite.bodyText].filter(Boolean).join('\n');
  const sources = {
    structured: override && override.conference.length > 0 ? override.conference : event.conference,
    location: override?.location ?? event.location,
    description,
    descriptionHtml: invite.bodyHtml ?? event.descriptionHtml,
  };
  return detectLinks(sources, urlMatchers, { consentBaseUrls: deps.consentBases?.() ?? [] });
}

async function decide(deps: ApplyDeps, invite: InviteContext, event: ParsedEvent, occurrence: Occurrence, links: readonly DetectedLink[]): Promise<Decision> {
  const title = occurrence.override?.summary ?? event.summary;
  return deps.planner.decide({
    now: invite.now,
    assistantAddress: invite.assistantAddress,
    requesterEmail: invite.requesterEmail,
    senderAuthenticated: invite.senderAuthenticated,
    meeting: {
      ...(event.organizer ? { organizerEmail: event.organizer.email } : {}),
      attendees: event.attendees.map((attendee) => attendee.email),
      ...(title ? { title } : {}),
      private: event.private,
      startsAt: new Date(occurrence.start),
      endsAt: new Date(occurrence.end),
      cancelled: false,
      links,
    },
  });
}

function joinAtFor(deps: ApplyDeps, invite: InviteContext, startsAt: Date): Date {
  return new Date(Math.max(invite.now.getTime(), startsAt.getTime() - deps.leadSeconds * 1000));
}

async function planOccurrence(deps: ApplyDeps, invite: InviteContext, uid: string, event: ParsedEvent, occurrence: Occurrence, row: MeetingOccurrence | undefined): Promise<OccurrenceOutcome> {
  const links = linksFor(deps, invite, event, occurrence);
  const decision = await decide(deps, invite, event, occurrence, links);
  const passcode = passcodeFor(links, decision.joinUrl);
  const key = keyOf(occurrence);
  const times = { startsAt: new Date(occurrence.start), endsAt: new Date(occurrence.end) };
  const session = row?.sessionId ? await deps.sessions.get(row.sessionId) : undefined;
  const next: MeetingOccurrence = {
    companyId: invite.companyId,
    uid,
    occurrence: key,
    startsAt: occurrence.start,
    endsAt: occurrence.end,
    status: decision.eligible ? 'planned' : 'rejected',
    sessionId: session?.id ?? null,
    decision,
  };
  if (session && !isEnded(session.state)) return updatePlanned(deps, invite, next, session, { decision, passcode }, times);
  if (session && session.endCode !== 'meeting_cancelled' && row) {
    // Already recorded (or tried): a later version of the invite does not record the occurrence again.
    await deps.store.putOccurrence({ ...next, status: row.status });
    return outcomeOf({ ...next, status: row.status }, 'started', session);
  }
  if (!decision.eligible || decision.plan === 'none' || !decision.provider || !decision.joinUrl) {
    await deps.store.putOccurrence(next);
    return outcomeOf(next, 'rejected');
  }
  // Already planned for this meeting and start (through the API, or a copy of the invite under another UID):
  // the occurrence takes that session, since one meeting gets one bot.
  const existing = await deps.sessions.activeFor(invite.companyId, decision.joinUrl, { startsAt: times.startsAt });
  if (existing) {
    const linked = { ...next, sessionId: existing.id };
    await deps.store.putOccurrence(linked);
    return outcomeOf(linked, 'new', existing);
  }
  const created = await deps.sessions.create({
    companyId: invite.companyId,
    provider: decision.provider,
    plan: decision.plan,
    meetingUrl: decision.joinUrl,
    title: occurrence.override?.summary ?? event.summary ?? null,
    requestedBy: invite.requesterEmail,
    ...times,
    joinAt: joinAtFor(deps, invite, times.startsAt),
    decision,
    ...(passcode !== undefined ? { passcode } : {}),
  });
  await deps.scheduler.plan(created);
  const planned = { ...next, sessionId: created.id };
  await deps.store.putOccurrence(planned);
  return outcomeOf(planned, 'new', created);
}

/** An occurrence that already has a live session: move its join, cancel it, or leave a running bot be. */
async function updatePlanned(deps: ApplyDeps, invite: InviteContext, next: MeetingOccurrence, session: Session, decided: { decision: Decision; passcode: string | undefined }, times: { startsAt: Date; endsAt: Date }): Promise<OccurrenceOutcome> {
  const { decision } = decided;
  if (session.state !== 'scheduled') {
    await deps.store.putOccurrence({ ...next, status: 'planned' });
    return outcomeOf({ ...next, status: 'planned' }, 'started', session);
  }
  if (!decision.eligible || decision.plan === 'none' || !decision.provider || !decision.joinUrl) {
    await deps.scheduler.abort(session.id, 'meeting_cancelled', `the updated invite is no longer eligible: ${decision.reasons.map((r) => r.code).join(', ')}`);
    await deps.store.putOccurrence(next);
    return outcomeOf(next, 'rejected');
  }
  // A new passcode is a change like a new link: the update carries the meeting's current one (null: it has none).
  const route = { meetingUrl: decision.joinUrl, provider: decision.provider, plan: decision.plan, passcode: decided.passcode ?? null };
  const passcodeKept = ((await deps.sessions.passcode(session.id)) ?? null) === route.passcode;
  const same = session.startsAt === times.startsAt.toISOString() && session.endsAt === times.endsAt.toISOString() && session.meetingUrl === route.meetingUrl && session.provider === route.provider && session.plan === route.plan;
  // A new passcode alone is written and noted, but the requester is not told the meeting moved.
  if (!same || !passcodeKept) {
    const joinAt = joinAtFor(deps, invite, times.startsAt);
    if (await deps.store.moveSession(session.id, { ...times, ...route, joinAt, decision })) {
      const switched = session.provider === route.provider ? {} : { provider: { from: session.provider, to: route.provider } };
      // That the passcode changed, never what it is.
      const passcode = passcodeKept ? {} : { passcode: 'changed' };
      await deps.sessions.note(session.id, 'rescheduled', { from: session.startsAt, to: times.startsAt.toISOString(), joinAt: joinAt.toISOString(), ...switched, ...passcode });
      const moved = await deps.sessions.get(session.id);
      if (moved) await deps.scheduler.plan(moved);
    }
  }
  await deps.store.putOccurrence(next);
  return outcomeOf(next, same ? 'unchanged' : 'moved', session);
}

/**
 * Decides an event's occurrences without storing or planning anything: for mail whose sender failed
 * authentication, so a spoofed update or CANCEL cannot touch a stored meeting, yet the reply says why.
 */
export async function previewEvent(deps: ApplyDeps, invite: InviteContext, event: ParsedEvent): Promise<EventOutcome> {
  const occurrences: OccurrenceOutcome[] = [];
  for (const occurrence of event.occurrences.slice(0, 50)) {
    const decision = await decide(deps, invite, event, occurrence, linksFor(deps, invite, event, occurrence));
    occurrences.push({ occurrence: keyOf(occurrence), startsAt: occurrence.start, endsAt: occurrence.end, status: 'rejected', change: 'rejected', decision, ...(decision.provider ? { provider: decision.provider } : {}) });
  }
  return { uid: uidOf(event), ...(event.summary ? { title: event.summary } : {}), sequence: event.sequence, result: 'rejected', occurrences };
}
