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

/** A choice is recorded once per participant: the first one stands, later clicks only pass through. */
export function firstPerParticipant<T extends Pick<StoredChoice, 'at' | 'participant'>>(choices: readonly T[]): T[] {
  const seen = new Set<string>();
  const sorted = [...choices].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return sorted.filter((choice) => {
    if (seen.has(choice.participant)) return false;
    seen.add(choice.participant);
    return true;
  });
}
