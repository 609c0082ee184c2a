import { meetingKeyOf } from '../../src/consent/service.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import type { SessionStore } from '../../src/sessions/session-store.js';

/**
 * A session an operator (or a script) retried `times` times: each attempt ends with a final end code, so the
 * retry policy adds none, and each retry starts the next attempt with `reason(n)`. The session ends failed.
 */
export async function retried(sessions: SessionStore, id: string, times: number, reason = (n: number) => `operator retry ${n}`): Promise<void> {
  for (let n = 1; n <= times; n += 1) {
    await sessions.transition(id, 'failed', { code: 'seeded', endCode: 'waiting_room_timeout' });
    await sessions.transition(id, 'scheduled', { code: 'operator_retry', attemptReason: reason(n) });
  }
  await sessions.transition(id, 'failed', { code: 'seeded', endCode: 'waiting_room_timeout' });
}

/**
 * A big meeting: `count` participants each chose on the meeting's dynamic consent link, stored as the page stores
 * them, a second apart up to now (every 50th from the 8th declines). `together`: how many choices share each
 * time, as clicks in the same millisecond do.
 */
export async function seedChoices(quorum: Quorum, session: Session, count: number, together = 1): Promise<void> {
  const link = await quorum.consent.store.createLink({
    companyId: session.companyId,
    linkType: 'dynamic',
    userEmail: null,
    meetingId: `all-hands-${session.id}`,
    provider: 'meet',
    conferenceUrl: session.meetingUrl,
    meetingKey: meetingKeyOf(session.meetingUrl),
    title: session.title,
    tokenHash: `seeded-link-${session.id}`,
  });
  const start = Date.now() - count * 1000;
  for (let i = 0; i < count; i += 1) {
    await quorum.consent.store.addChoice({
      linkId: link.id,
      sessionId: session.id,
      choice: i % 50 === 7 ? 'no_record' : 'record',
      at: new Date(start + Math.floor(i / together) * 1000).toISOString(),
      participant: `participant-${String(i).padStart(4, '0')}`,
      addressHash: null,
      userAgent: 'seeded',
    });
  }
}

/** A Meet session planned for tomorrow and joined in a month: a page to read and fill, never dispatched. */
export function plannedAhead(quorum: Quorum, meeting: { code: string; companyId?: string; title?: string }): Promise<Session> {
  const now = Date.now();
  return quorum.sessions.create({
    companyId: meeting.companyId ?? 'default',
    provider: 'meet',
    plan: 'bot',
    meetingUrl: `https://meet.google.com/${meeting.code}`,
    ...(meeting.title ? { title: meeting.title } : {}),
    startsAt: new Date(now + 86_400_000),
    endsAt: new Date(now + 90_000_000),
    joinAt: new Date(now + 30 * 86_400_000),
  });
}
