import type { SessionTable } from '../store/schema.js';
import type { EndCode } from './end-codes.js';
import type { SessionState } from './states.js';
import { decisionFromJson } from '../eligibility/stored-decision.js';

export type Plan = 'bot' | 'zoom_cloud';

/** What a session shows of its meeting passcode, wherever it is serialized (API, console, live feed). */
export const passcodeMask = '••••••';

export interface Session {
  id: string;
  companyId: string;
  provider: string;
  plan: Plan;
  meetingUrl: string;
  title: string | null;
  requestedBy: string | null;
  startsAt: string;
  endsAt: string;
  joinAt: string;
  state: SessionState;
  endCode: EndCode | null;
  attempt: number;
  decision: unknown;
  workerId: string | null;
  leaseUntil: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Set when the invite or request gave the meeting's passcode, and then always the mask: the passcode opens the
   * meeting, so a Session (which the API, the console and the bus carry) never holds it. The bot's join reads it
   * with `SessionStore.passcode`.
   */
  passcode?: typeof passcodeMask;
}

export interface TimelineEvent {
  id: number;
  attempt: number;
  at: string;
  from: SessionState | null;
  to: SessionState | null;
  code: string;
  details: Record<string, unknown> | null;
}

export interface Attempt {
  number: number;
  reason: string;
  createdAt: string;
  startedAt: string | null;
  admittedAt: string | null;
  endedAt: string | null;
  endCode: EndCode | null;
  workerId: string | null;
}

/** A session whose row was just built from `decision`: the decision as given, not parsed back from the row's JSON. */
export function newSessionOf(row: SessionTable, decision: unknown): Session {
  return { ...toSession({ ...row, decision: null }), decision: decision ?? null };
}

export function toSession(row: SessionTable): Session {
  return {
    id: row.id,
    companyId: row.company_id,
    provider: row.provider,
    plan: row.plan as Plan,
    meetingUrl: row.meeting_url,
    title: row.title,
    requestedBy: row.requested_by,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    joinAt: row.join_at,
    state: row.state as SessionState,
    endCode: row.end_code as EndCode | null,
    attempt: row.attempt,
    decision: row.decision === null ? null : decisionFromJson(row.decision),
    workerId: row.worker_id,
    leaseUntil: row.lease_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.passcode ? { passcode: passcodeMask } : {}),
  };
}
