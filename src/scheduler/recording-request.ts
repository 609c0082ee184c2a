import { z } from 'zod';
import { matchLink } from '../../providers/registry.js';
import type { Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/session-store.js';

export const recordingRequestSchema = z
  .object({
    meetingUrl: z.url({ error: 'meetingUrl must be a URL' }),
    startsAt: z.iso.datetime({ offset: true, error: 'startsAt must be an ISO 8601 time' }).optional(),
    endsAt: z.iso.datetime({ offset: true, error: 'endsAt must be an ISO 8601 time' }).optional(),
    title: z.string().max(500).optional(),
    requestedBy: z.email().optional(),
  })
  .strict();

export type RecordingRequest = z.infer<typeof recordingRequestSchema>;

export class RequestRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRejected';
  }
}

export interface PlanDeps {
  sessions: SessionStore;
  plan(session: Session): Promise<void>;
  leadSeconds: number;
  now?: () => Date;
}

const defaultMeetingMs = 60 * 60 * 1000;

/** Turns a request to record a meeting link into a planned session: join `leadSeconds` before the start. */
export async function requestRecording(deps: PlanDeps, companyId: string, request: RecordingRequest): Promise<Session> {
  const now = deps.now?.() ?? new Date();
  const match = matchLink(request.meetingUrl);
  if (!match) {
    throw new RequestRejected('conference_link_unsupported', `no supported conference provider recognizes ${request.meetingUrl}`);
  }
  const startsAt = request.startsAt ? new Date(request.startsAt) : now;
  const endsAt = request.endsAt ? new Date(request.endsAt) : new Date(startsAt.getTime() + defaultMeetingMs);
  if (endsAt <= startsAt) throw new RequestRejected('invalid_time', 'endsAt must be after startsAt');
  if (endsAt <= now) throw new RequestRejected('meeting_over', 'the meeting has already ended');
  const joinAt = new Date(Math.max(now.getTime(), startsAt.getTime() - deps.leadSeconds * 1000));
  const session = await deps.sessions.create({
    companyId,
    provider: match.adapter.provider,
    plan: 'bot',
    meetingUrl: match.ref.url,
    title: request.title ?? null,
    requestedBy: request.requestedBy ?? null,
    startsAt,
    endsAt,
    joinAt,
  });
  await deps.plan(session);
  return session;
}
