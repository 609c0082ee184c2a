/**
 * The meeting passcode an invite states as text next to its link: Zoom's "Passcode:"/"Password:" under "Meeting
 * ID:" (its link may lack `pwd=`), Webex's "Meeting password:" (its links never carry one), Teams' "Passcode:"
 * beside "Meeting ID:". The bots type it when the meeting asks (providers/web-client/passcode.ts). Pure string work,
 * linear in the text: each block is scanned once for labels, phone sections and links.
 */

/**
 * A label and the value after it. Phone and video-system labels ("Numeric passcode", Webex's "Numeric meeting
 * password") are matched too, so they are recognized and skipped rather than read as a shorter label.
 */
const LABEL = /(?<![\p{L}\p{N}])((?:numeric|phone|audio|dial-in|video system|h\.323|sip)\s+)?(?:(?:meeting|webinar|event)\s+)?(?:passcode|password|pass code)[ \t\u00a0]*[:=][ \t\u00a0]*(?:\r?\n[ \t\u00a0]*)?([^\s<>"]{1,64})(?![^\s<>"])/giu;
/**
 * Where an invite's part for phones and video systems starts (Zoom's "One tap mobile", "Dial by your location",
 * "Join by SIP"/"H.323"; Webex's "Join by phone", "Join from a video system"; Teams' "Or call in"). Zoom repeats
 * "Passcode:" there with the numeric one a phone keys in, which the web client refuses.
 */
const PHONE_SECTION = /(?<![\p{L}\p{N}])(?:one tap mobile|dial by your location|find your local number|join by (?:phone|sip|h\.323|skype for business)|join (?:from|by) (?:a )?video system|tap to join from a mobile device|global call-in numbers|dial in by phone|(?:or )?call in(?: \(audio only\))?|dial-in numbers?)(?![\p{L}\p{N}])/giu;
/** How far from its link a passcode may be stated: the invite's few lines about that meeting. */
const WINDOW = 1_000;

/** Where a link stands in a block, as the normalized link detection keeps (`DetectedLink.url`). */
export interface LinkAt {
  url: string;
  start: number;
  end: number;
}

interface Label {
  start: number;
  end: number;
  value: string;
}

/** One block of invite text, scanned once: its conference links, web passcode labels and phone headings, in order. */
export interface PasscodeBlock {
  links: readonly LinkAt[];
  labels: readonly Label[];
  /** Each label's start, for the binary search. */
  starts: readonly number[];
  phoneAt: readonly number[];
}

/** Occurrences of one link looked at: an invite states its link a few times, a hostile one thousands. */
const MAX_OCCURRENCES = 20;

/** Whether a block states any passcode at all: most invites (Meet) do not, and cost nothing more. */
export function hasPasscodeLabel(text: string): boolean {
  // `search` starts at 0 whatever the global regex's lastIndex, and leaves it as it was (matchAll copies it).
  return text.search(LABEL) >= 0;
}

/** A value as written, without the sentence's punctuation after it or a `)` it did not open. */
function cleanValue(raw: string): string {
  const unopened = raw.endsWith(')') && !raw.includes('(');
  return (unopened ? raw.slice(0, -1) : raw).replace(/[.,;:]+$/, '');
}

/** The block's labels, in order, without those named for phones ("Numeric passcode"). */
export function scanBlock(text: string, links: readonly LinkAt[]): PasscodeBlock {
  const labels: Label[] = [];
  for (const m of text.matchAll(LABEL)) {
    const value = cleanValue(m[2] ?? '');
    if (value !== '' && m[1] === undefined) labels.push({ start: m.index, end: m.index + m[0].length, value });
  }
  return { links, labels, starts: labels.map((label) => label.start), phoneAt: [...text.matchAll(PHONE_SECTION)].map((m) => m.index) };
}

/** The index of the first of `sorted` at or after `at`. */
function firstFrom(sorted: readonly number[], at: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] ?? Infinity) < at) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A phone heading stands between the link and the label: the label is the phones' (Zoom repeats "Passcode:" under
 * "Dial by your location" with the numeric one). Invites state the web passcode before their phone part.
 */
function phoneBetween(phoneAt: readonly number[], from: number, to: number): boolean {
  return (phoneAt[firstFrom(phoneAt, from)] ?? Infinity) < to;
}

/**
 * The passcode stated nearest to `url` in a block: within a few lines of one of its occurrences, and not past
 * another meeting's link (an invite naming two meetings states each one's passcode by its own link).
 */
export function passcodeNear(block: PasscodeBlock, url: string): string | undefined {
  const { links, labels, starts } = block;
  let best: { value: string; gap: number } | undefined;
  let seen = 0;
  for (const [index, link] of links.entries()) {
    if (link.url !== url) continue;
    if ((seen += 1) > MAX_OCCURRENCES) break;
    // The part of the block that is this link's: from the previous other link to the next one.
    const before = links.slice(0, index).findLast((other) => other.url !== url)?.end ?? 0;
    const after = links.slice(index + 1).find((other) => other.url !== url)?.start ?? Infinity;
    const from = Math.max(before, link.start - WINDOW);
    const to = Math.min(after, link.end + WINDOW);
    for (let i = firstFrom(starts, from); i < labels.length; i += 1) {
      const label = labels[i];
      if (!label || label.start >= to) break;
      const [gapFrom, gapTo] = label.start >= link.end ? [link.end, label.start] : [label.end, link.start];
      if (label.end > to || gapFrom > gapTo || phoneBetween(block.phoneAt, gapFrom, gapTo)) continue;
      if (best === undefined || gapTo - gapFrom < best.gap) best = { value: label.value, gap: gapTo - gapFrom };
    }
  }
  return best?.value;
}
