import type { PresenceEnd } from '../../providers/types.js';
import type { EndCode } from '../sessions/end-codes.js';
import { isEndCode } from '../sessions/end-codes.js';

/** Auto-leave rules (DESIGN.md §3), applied the same way to every provider. */
export interface AutoLeaveRules {
  nobodyJoinedMs: number;
  aloneMs: number;
  silenceMs: number;
  /** The silence rule applies only once the bot has been in the meeting this long. */
  silenceAfterMs: number;
  maxDurationMs: number;
  pollMs: number;
  /**
   * Case-insensitive fragments of other notetaker bots' display names: such participants do not count as people
   * for the alone and nobody-joined rules (Vexa #545, #270). Absent or empty: everyone counts.
   */
  otherBotNames?: readonly string[];
}

export interface WatchInputs {
  /** The provider's own end of the meeting (ended, removed), with its reason when it gives one. */
  ended: Promise<PresenceEnd>;
  /** Resolves when the bot's page or browser crashed. */
  crashed: Promise<void>;
  signal: AbortSignal;
  participantCount(): Promise<number | undefined>;
  /** The other participants' display names; undefined (or absent) when the roster cannot be read. */
  participantNames?(): Promise<string[] | undefined>;
  /** Told why a rule (not the provider, a crash or an abort) ends the presence, for the log and timeline. */
  explain?(code: EndCode, reason: string): void;
  /** Epoch ms when audio was last heard; 0 when never. */
  lastSoundAt(): number;
  /**
   * The deaf rule (deaf.ts), when on: asked each poll with the time and the people present; a reason it gives ends
   * the presence `no_audio`. It never rejects. Absent: off.
   */
  deaf?(at: number, people: number | undefined): Promise<string | undefined>;
  admittedAt: number;
  /** Others the adapter saw before the bot could record (InMeeting.seenBeforeRecording): people among them joined. */
  seenBefore?: readonly string[];
  rules: AutoLeaveRules;
  now?: () => number;
}

/** Resolves with the reason the bot should stop being in the meeting. */
export function watchMeeting(inputs: WatchInputs): Promise<EndCode> {
  const now = inputs.now ?? Date.now;
  return new Promise<EndCode>((resolve) => {
    let settled = false;
    let polling = false;
    const rules = createRuleState(inputs, now);
    const timer = setInterval(() => {
      if (polling || settled) return;
      polling = true;
      rules
        .check()
        .then((verdict) => verdict && finish(verdict[0], verdict[1]))
        .catch(() => undefined)
        .finally(() => (polling = false));
    }, inputs.rules.pollMs);
    const finish = (code: EndCode, reason?: string) => {
      if (settled) return;
      settled = true;
      if (reason !== undefined) inputs.explain?.(code, reason);
      clearInterval(timer);
      inputs.signal.removeEventListener('abort', onAbort);
      resolve(code);
    };
    const onAbort = () => finish(abortCode(inputs.signal));
    if (inputs.signal.aborted) return onAbort();
    inputs.signal.addEventListener('abort', onAbort, { once: true });
    inputs.ended.then((end) => (typeof end === 'string' ? finish(end) : finish(end.endCode, end.reason)), () => finish('internal_error'));
    inputs.crashed.then(() => finish('browser_crashed'), () => undefined);
  });
}

/** The end code an abort carries: operators abort with `stopped_by_operator`, consent with `consent_declined`. */
export function abortCode(signal: AbortSignal): EndCode {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' && isEndCode(reason) ? reason : 'stopped_by_operator';
}

/** Who is in the meeting besides the bot: `people` undefined when the page says nothing. */
export interface Others {
  people: number | undefined;
  /** Participants recognized as other bots by name. */
  bots: string[];
}

/** True when `name` contains one of the patterns, case-insensitively. */
export function isOtherBot(name: string, patterns: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return patterns.some((pattern) => pattern !== '' && lower.includes(pattern.toLowerCase()));
}

/**
 * People among the others: names that match a bot pattern do not count. Participants the roster does not name
 * (a count above the names read: Meet shows a limited number of tiles) count as people, so a partial roster never
 * makes the bot leave early; bots only ever lower the count, so a stale name never keeps the bot longer than the
 * count alone would. Unreadable names leave the count as it is.
 */
export function countPeople(count: number | undefined, names: string[] | undefined, patterns: readonly string[]): Others {
  if (names === undefined || patterns.length === 0 || count === 0) return { people: count, bots: [] };
  const bots = names.filter((name) => isOtherBot(name, patterns));
  const humans = names.length - bots.length;
  // Without a count, an empty roster says nothing (as an unknown count never made the bot leave).
  if (count === undefined) return { people: names.length === 0 ? undefined : humans, bots };
  return { people: Math.min(count, humans + Math.max(0, count - names.length)), bots };
}

function createRuleState(inputs: WatchInputs, now: () => number) {
  const { rules, admittedAt } = inputs;
  const before = inputs.seenBefore ?? [];
  // Other bots among them do not count, as in the meeting itself.
  let seenOthers = (countPeople(before.length, [...before], rules.otherBotNames ?? []).people ?? 0) > 0;
  let lastNotAlone = admittedAt;
  return {
    async check(): Promise<[EndCode, string] | undefined> {
      const t = now();
      if (t - admittedAt >= rules.maxDurationMs) return ['max_duration', 'the meeting reached the maximum duration'];
      const { people, bots } = await readOthers(inputs);
      const others = bots.length > 0 ? `only other bots remain: ${bots.join(', ')}` : undefined;
      if (people !== undefined && people > 0) {
        seenOthers = true;
        lastNotAlone = t;
      } else if (people === 0) {
        if (seenOthers && t - lastNotAlone >= rules.aloneMs) return ['left_alone', others ?? 'everyone else left'];
        if (!seenOthers && t - admittedAt >= rules.nobodyJoinedMs) return ['left_alone', others ?? 'nobody else joined'];
      }
      const deaf = await inputs.deaf?.(t, people);
      if (deaf) return ['no_audio', deaf];
      const quietSince = Math.max(inputs.lastSoundAt(), admittedAt);
      if (t - admittedAt >= rules.silenceAfterMs && t - quietSince >= rules.silenceMs) return ['silence_timeout', 'nobody spoke'];
      return undefined;
    },
  };
}

async function readOthers(inputs: WatchInputs): Promise<Others> {
  const count = await inputs.participantCount();
  const patterns = inputs.rules.otherBotNames ?? [];
  if (patterns.length === 0 || !inputs.participantNames) return { people: count, bots: [] };
  // A roster that cannot be read must not stop the count rule: fall back to the count.
  const names = await inputs.participantNames().catch(() => undefined);
  return countPeople(count, names, patterns);
}
