import type { Decision } from '../eligibility/check.js';
import type { MeetingOccurrence } from './meetings-store.js';

// What applying one invite did, event by event and occurrence by occurrence: the reply, the stored message and
// the operator's views all read these.

export type OccurrenceChange = 'new' | 'moved' | 'unchanged' | 'cancelled' | 'rejected' | 'started';

export interface OccurrenceOutcome {
  occurrence: string;
  startsAt: string;
  endsAt: string;
  status: MeetingOccurrence['status'];
  change: OccurrenceChange;
  sessionId?: string;
  provider?: string;
  decision?: Decision;
}

export type EventResult = 'applied' | 'cancelled' | 'ignored_lower_sequence' | 'duplicate' | 'not_authorized' | 'rejected';

export interface EventOutcome {
  uid: string;
  recurrenceId?: string;
  title?: string;
  sequence: number;
  result: EventResult;
  /** For an ignored or duplicate version: the sequence already applied. */
  currentSequence?: number;
  occurrences: OccurrenceOutcome[];
}
