import type { ConsentLinkType, StoredChoice } from './store.js';

/**
 * Which choices count for which meeting occurrence. A static link is the user's personal room, reused
 * meeting after meeting, so a choice there is about the meeting happening around that time: it counts
 * from `windowMs` before the start until the end. A dynamic link belongs to one meeting, so a choice
 * made any time before the end counts, except that a recurring meeting's earlier occurrence already
 * used up the choices made before it ended.
 */
export interface Occasion {
  startsAt: Date;
  endsAt: Date;
  /** The end of the latest earlier occurrence of the same meeting, if any. */
  previousEndsAt?: Date;
}

export function choiceCounts(choice: Pick<StoredChoice, 'at'>, linkType: ConsentLinkType, occasion: Occasion, windowMs: number): boolean {
  const at = Date.parse(choice.at);
  if (at > occasion.endsAt.getTime()) return false;
  if (linkType === 'static') return at >= occasion.startsAt.getTime() - windowMs;
  return occasion.previousEndsAt === undefined || at > occasion.previousEndsAt.getTime();
}

/**
 * One choice per participant: their first decline if they declined at all, else their first choice. A later
 * "Join but don't record" overrides an earlier "Join" (the page promises the assistant will not record), while
 * a "Join" after a decline does not bring the recording back.
 */
export function choicePerParticipant<T extends Pick<StoredChoice, 'at' | 'participant' | 'choice'>>(choices: readonly T[]): T[] {
  const kept = new Map<string, T>();
  const sorted = [...choices].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const choice of sorted) {
    const earlier = kept.get(choice.participant);
    if (!earlier || (earlier.choice === 'record' && choice.choice === 'no_record')) kept.set(choice.participant, choice);
  }
  return sorted.filter((choice) => kept.get(choice.participant) === choice);
}
