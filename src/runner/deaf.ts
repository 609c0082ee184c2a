import type { ActiveRecording, Reception } from '../../providers/browser/audio-capture.js';

/** What the bot saw when it judged itself deaf: the details of its timeline event. */
export interface Deafness {
  /** People in the meeting besides the bot (other notetaker bots not counted). */
  participants: number;
  /** Remote audio tracks the page held, and how many of them received media (none: that is the deafness). */
  tracks: number;
  unmuted: number;
  /** How long it had been so. */
  forMs: number;
}

export interface DeafSample {
  at: number;
  /** People besides the bot; undefined when the page does not say. */
  people: number | undefined;
  /** What reaches the bot's page; undefined when the page did not answer (or was not asked). */
  reception: Reception | undefined;
  /** Whether the bot has heard any sound in this attempt. */
  heard: boolean;
}

/**
 * The "joined but deaf" rule (peer-bots.md §4 item 7): others are in the meeting, and for `afterMs` none of the
 * page's remote audio tracks receives media (no track at all counts too). A quiet meeting is not deaf: its
 * participants' tracks carry their silence and are unmuted. Anything not known (no participant count, a page that
 * did not answer) restarts the clock, and a bot that heard any sound is never deaf: leaving costs the recording,
 * so only a sure deafness counts.
 */
export function deafRule(afterMs: number): (sample: DeafSample) => Deafness | undefined {
  let since: number | undefined;
  return ({ at, people, reception, heard }) => {
    if (heard || people === undefined || people <= 0 || !reception || reception.unmuted > 0) {
      since = undefined;
      return undefined;
    }
    since ??= at;
    const forMs = at - since;
    return forMs >= afterMs ? { participants: people, tracks: reception.tracks, unmuted: reception.unmuted, forMs } : undefined;
  };
}

export interface DeafWatchOptions {
  afterMs: number;
  recording: Pick<ActiveRecording, 'reception' | 'firstSoundAt'>;
  /** Whether the session may still leave to rejoin for deafness: once per session. */
  mayRejoin(): Promise<boolean>;
  /** The bot is deaf and leaves to rejoin: said once, before the presence ends. */
  leaving(seen: Deafness): Promise<void>;
  /** The bot is deaf again after its rejoin: it stays, and is labelled when it leaves (bot-run's `no_audio`). */
  staying(seen: Deafness): Promise<void>;
}

/**
 * The deaf rule as watch.ts asks it each poll: the reason to leave, once. The page is asked what reaches it only
 * while there is someone to hear and nothing was heard yet, so a bot that hears its meeting costs nothing more.
 */
export function deafWatch(options: DeafWatchOptions): (at: number, people: number | undefined) => Promise<string | undefined> {
  const rule = deafRule(options.afterMs);
  let decided = false;
  return async (at, people) => {
    if (decided) return undefined;
    const heard = options.recording.firstSoundAt() !== undefined;
    const reception = heard || !people ? undefined : await options.recording.reception();
    const seen = rule({ at, people, reception, heard });
    if (!seen) return undefined;
    decided = true;
    const rejoin = await options.mayRejoin().catch(() => false);
    await (rejoin ? options.leaving(seen) : options.staying(seen)).catch(() => undefined);
    return rejoin ? deafReason(seen) : undefined;
  };
}

export function deafReason(seen: Deafness): string {
  const seconds = Math.round(seen.forMs / 1000);
  const tracks = seen.tracks === 0 ? 'no audio track' : `${seen.tracks} audio track${seen.tracks === 1 ? '' : 's'}, none receiving`;
  return `joined but deaf: no audio reached the bot for ${seconds} s while ${seen.participants} other participant${seen.participants === 1 ? ' was' : 's were'} present (${tracks}); leaving to rejoin`;
}
