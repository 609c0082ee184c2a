import type { Artifact } from '../sessions/artifacts.js';
import { endCodes, isEndCode } from '../sessions/end-codes.js';
import type { Session } from '../sessions/session.js';
import { isEnded, type SessionState } from '../sessions/states.js';
import type { WebhookEventType } from './endpoint-settings.js';
import type { FeedEvent } from './timeline-feed.js';

/**
 * What one timeline event becomes for integrators. A state change yields `session.state_changed` (part 0); one into
 * done, failed or cancelled also yields `session.ended` (part 1), right after it. Notes (a saved artifact, an
 * operator's request) yield nothing. Ids come from the timeline event's id, so a redelivery carries the same id.
 */
export interface FeedItem {
  event: FeedEvent;
  part: number;
  type: WebhookEventType;
}

export function itemsOf(event: FeedEvent): FeedItem[] {
  if (event.to === null || event.companyId === null) return [];
  const changed: FeedItem = { event, part: 0, type: 'session.state_changed' };
  return isEnded(event.to) ? [changed, { event, part: 1, type: 'session.ended' }] : [changed];
}

export function webhookEventId(item: Pick<FeedItem, 'event' | 'type'>): string {
  return `evt_${item.event.id}_${item.type === 'session.ended' ? 'ended' : 'state_changed'}`;
}

export interface SessionRef {
  id: string;
  companyId: string;
  provider: string;
  plan: string;
  meetingUrl: string;
  title: string | null;
  startsAt: string;
  endsAt: string;
}

export interface StateChangedData {
  session: SessionRef;
  timelineEventId: number;
  from: SessionState | null;
  to: SessionState;
  code: string;
  attempt: number;
  at: string;
  endCode: string | null;
}

export interface EndedData extends StateChangedData {
  message: string | null;
  artifacts: Array<{ id: string; kind: string; attempt: number; bytes: number; durationMs: number | null; createdAt: string; downloadPath: string }>;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** When the session changed (the timeline event's time), not when this delivery was made. */
  createdAt: string;
  companyId: string;
  data: StateChangedData | EndedData;
}

function sessionRef(session: Session): SessionRef {
  const { id, companyId, provider, plan, meetingUrl, title, startsAt, endsAt } = session;
  return { id, companyId, provider, plan, meetingUrl, title, startsAt, endsAt };
}

/** The event's body. `artifacts` are the session's files as they are at delivery (a retention sweep may remove some). */
export function webhookEventOf(item: FeedItem, session: Session, artifacts: readonly Artifact[]): WebhookEvent {
  const { event } = item;
  const endCode = typeof event.details?.['endCode'] === 'string' ? event.details['endCode'] : null;
  const changed: StateChangedData = { session: sessionRef(session), timelineEventId: event.id, from: event.from, to: event.to ?? session.state, code: event.code, attempt: event.attempt, at: event.at, endCode };
  const data: StateChangedData | EndedData =
    item.type === 'session.ended'
      ? {
          ...changed,
          message: endCode !== null && isEndCode(endCode) ? endCodes[endCode].message : null,
          artifacts: artifacts.map((a) => ({ id: a.id, kind: a.kind, attempt: a.attempt, bytes: a.bytes, durationMs: a.durationMs, createdAt: a.createdAt, downloadPath: `/v1/sessions/${encodeURIComponent(session.id)}/artifacts/${encodeURIComponent(a.id)}` })),
        }
      : changed;
  return { id: webhookEventId(item), type: item.type, createdAt: event.at, companyId: session.companyId, data };
}
