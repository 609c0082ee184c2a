import type { CountedChoice } from './service.js';
import type { ConsentChoice } from './store.js';

/**
 * A big meeting's counted consent choices sent in parts, like a session's timeline (src/sessions/timeline-window.ts).
 * Which choices count is decided over all of the meeting's choices (a later decline replaces a participant's
 * "Join", static links count by time), so the list is computed whole, one per participant; the window bounds what
 * a live view downloads and builds, not what the server reads.
 *
 * The keyset is the choice's cursor, `<at>|<id>`: times are stored as `toISOString()` (one fixed width), so
 * comparing cursors as strings, on the server and in the console alike, orders by time, then id.
 */

export interface ChoiceWindow {
  /** The first `first` choices and the newest `newest`, in cursor order, each once (they meet on a short list). */
  choices: CountedChoice[];
  total: number;
  /** How many chose what, over every counted choice: a decline left out of the window still counts here. */
  counts: Record<ConsentChoice, number>;
}

export interface ChoicePageQuery {
  /** Only choices whose cursor is below this one (exclusive); absent: up to the newest. */
  before?: string;
  /** Only choices whose cursor is above this one (exclusive); absent: from the first. */
  after?: string;
  limit: number;
}

export interface ChoicePage {
  /** The `limit` choices just before `before` (and after `after`), oldest first. */
  choices: CountedChoice[];
  /** Whether more lie before the page's first one (and after `after`): the next page is `before=<its cursor>`. */
  more: boolean;
}

export function choiceCursor(choice: Pick<CountedChoice, 'at' | 'id'>): string {
  return `${choice.at}|${choice.id}`;
}

// Code-unit order, as JavaScript's `<` compares strings in the console (not the locale's order).
const byCursor = (a: CountedChoice, b: CountedChoice) => {
  const [x, y] = [choiceCursor(a), choiceCursor(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

export function choiceWindow(counted: readonly CountedChoice[], first: number, newest: number): ChoiceWindow {
  const sorted = [...counted].sort(byCursor);
  const counts: Record<ConsentChoice, number> = { record: 0, no_record: 0 };
  for (const choice of sorted) counts[choice.choice] += 1;
  const choices = first + newest >= sorted.length ? sorted : [...sorted.slice(0, first), ...sorted.slice(sorted.length - newest)];
  return { choices, total: sorted.length, counts };
}

export function choicePage(counted: readonly CountedChoice[], query: ChoicePageQuery): ChoicePage {
  const { before, after, limit } = query;
  const inBounds = counted.filter((choice) => {
    const cursor = choiceCursor(choice);
    return (before === undefined || cursor < before) && (after === undefined || cursor > after);
  });
  const sorted = inBounds.sort(byCursor);
  return { choices: sorted.slice(Math.max(0, sorted.length - limit)), more: sorted.length > limit };
}
