/**
 * The session state machine (DESIGN.md §3) as one table: a state may move only to the states listed for it.
 * Every move is stored as a timeline event by SessionStore.transition, the only writer of `state`.
 */
export const transitions = {
  scheduled: ['dispatching', 'awaiting_cloud_recording', 'cancelled', 'failed'],
  dispatching: ['joining', 'scheduled', 'cancelled', 'failed'],
  joining: ['waiting_room', 'awaiting_permission', 'recording', 'leaving', 'cancelled', 'failed'],
  waiting_room: ['awaiting_permission', 'recording', 'leaving', 'cancelled', 'failed'],
  awaiting_permission: ['recording', 'leaving', 'cancelled', 'failed'],
  recording: ['leaving', 'failed'],
  leaving: ['processing', 'done', 'cancelled', 'failed'],
  processing: ['done', 'failed'],
  awaiting_cloud_recording: ['fetching', 'cancelled', 'failed'],
  fetching: ['done', 'failed'],
  // An ended session goes back to `scheduled` only as a new attempt (the retry policy or an operator).
  done: ['scheduled'],
  failed: ['scheduled'],
  cancelled: ['scheduled'],
} as const satisfies Record<string, readonly string[]>;

export type SessionState = keyof typeof transitions;

export const sessionStates = Object.keys(transitions) as SessionState[];

export const endedStates: readonly SessionState[] = ['done', 'failed', 'cancelled'];

/** States in which a worker holds the session and must keep its lease alive. */
export const activeStates: readonly SessionState[] = [
  'dispatching',
  'joining',
  'waiting_room',
  'awaiting_permission',
  'recording',
  'leaving',
  'processing',
  'fetching',
];

export function canTransition(from: SessionState, to: SessionState): boolean {
  return (transitions[from] as readonly SessionState[]).includes(to);
}

export function isEnded(state: SessionState): boolean {
  return endedStates.includes(state);
}

export function isSessionState(value: string): value is SessionState {
  return Object.hasOwn(transitions, value);
}
