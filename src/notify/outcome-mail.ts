import { endCodes } from '../sessions/end-codes.js';
import type { Session, TimelineEvent } from '../sessions/session.js';

/** What the requester is told when their meeting's session has ended for good. */
export interface OutcomeMail {
  subject: string;
  text: string;
}

/** A meeting title on one line, short enough for a subject. */
function titleOf(session: Session): string {
  const title = (session.title ?? 'your meeting').replace(/\s+/g, ' ').trim();
  return title.length > 120 ? `${title.slice(0, 119)}…` : title;
}

/** The ending event of the session's last attempt: its details say how long was recorded, or why it stopped. */
function endingOf(session: Session, timeline: readonly TimelineEvent[]): Record<string, unknown> {
  return timeline.findLast((event) => event.to === session.state && event.attempt === session.attempt)?.details ?? {};
}

/** The reason written with the ending: an operator's, a consent decline's, or the first rule that failed at the join. */
function reasonOf(details: Record<string, unknown>): string | undefined {
  if (typeof details.reason === 'string') return details.reason;
  const first: unknown = Array.isArray(details.reasons) ? details.reasons[0] : undefined;
  const message = typeof first === 'object' && first !== null ? (first as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : undefined;
}

function minutes(ms: unknown): string | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return undefined;
  const total = Math.max(1, Math.round(ms / 60_000));
  return total === 1 ? '1 minute' : `${total} minutes`;
}

/**
 * The mail for a session that ended: recorded, or not and why, in the end code's words (which say what to change),
 * with the operator's or the rule's own reason when the timeline has one. `sessionUrl` links the console's view.
 */
export function outcomeMail(session: Session, timeline: readonly TimelineEvent[], sessionUrl?: string): OutcomeMail {
  const title = titleOf(session);
  const when = `${session.startsAt.slice(0, 16).replace('T', ' ')} UTC`;
  const details = endingOf(session, timeline);
  const lines: string[] = [];
  const recorded = session.state === 'done';
  if (recorded) {
    const length = minutes(details.durationMs);
    lines.push(`Quorum recorded your meeting "${title}" (${when})${length ? `: ${length}` : ''}.`);
  } else {
    lines.push(`Quorum did not record your meeting "${title}" (${when}).`);
    const code = session.endCode;
    if (code) lines.push('', `Why: ${endCodes[code].message} (${code})`);
    const reason = reasonOf(details);
    if (reason) lines.push(`Details: ${reason}`);
  }
  lines.push('', `Session: ${session.id}${sessionUrl ? `\n${sessionUrl}` : ''}`);
  lines.push('', 'This is an automatic message from your company\'s meeting assistant.');
  return { subject: `${recorded ? 'Recorded' : 'Not recorded'}: ${title}`, text: `${lines.join('\n')}\n` };
}
