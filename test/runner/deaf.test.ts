import { describe, expect, it } from 'vitest';
import type { Reception } from '../../providers/browser/audio-capture.js';
import { deafReason, deafRule, deafWatch, type Deafness } from '../../src/runner/deaf.js';
import { watchMeeting } from '../../src/runner/watch.js';
import type { EndCode } from '../../src/sessions/end-codes.js';

const never = new Promise<never>(() => undefined);
const none: Reception = { tracks: 0, unmuted: 0 };
const quiet: Reception = { tracks: 2, unmuted: 2 };
const muted: Reception = { tracks: 3, unmuted: 0 };

/** Feeds the rule one sample a second from t = 0 s; returns the first verdict and when it came. */
function judge(afterMs: number, samples: Array<{ people: number | undefined; reception: Reception | undefined; heard?: boolean }>) {
  const rule = deafRule(afterMs);
  for (const [i, sample] of samples.entries()) {
    const verdict = rule({ at: i * 1000, heard: false, ...sample });
    if (verdict) return { at: i * 1000, verdict };
  }
  return undefined;
}

const repeat = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

describe('the deaf rule', () => {
  it('does not take a quiet meeting for a deaf bot: silent participants whose audio arrives', () => {
    expect(judge(3000, repeat(20, { people: 2, reception: quiet }))).toBeUndefined();
    // One track carrying media is enough: the others may be idle.
    expect(judge(3000, repeat(20, { people: 4, reception: { tracks: 3, unmuted: 1 } }))).toBeUndefined();
  });

  it('finds the bot deaf once others are present and no track has had media for the whole time', () => {
    expect(judge(3000, repeat(10, { people: 2, reception: none }))).toEqual({ at: 3000, verdict: { participants: 2, tracks: 0, unmuted: 0, forMs: 3000 } });
    expect(judge(3000, repeat(10, { people: 1, reception: muted }))).toEqual({ at: 3000, verdict: { participants: 1, tracks: 3, unmuted: 0, forMs: 3000 } });
  });

  it('is not deaf while nobody else is there (the alone rules apply then), nor when it cannot tell', () => {
    expect(judge(3000, repeat(10, { people: 0, reception: none }))).toBeUndefined();
    expect(judge(3000, repeat(10, { people: undefined, reception: none }))).toBeUndefined();
    expect(judge(3000, repeat(10, { people: 2, reception: undefined }))).toBeUndefined();
  });

  it('starts the clock again when audio arrives or the count drops to nobody', () => {
    const broken = [...repeat(2, { people: 2, reception: none }), { people: 2, reception: quiet }, ...repeat(5, { people: 2, reception: none })];
    expect(judge(3000, broken)?.at).toBe(6000);
    const emptied = [...repeat(2, { people: 2, reception: none }), { people: 0, reception: none }, ...repeat(5, { people: 2, reception: none })];
    expect(judge(3000, emptied)?.at).toBe(6000);
  });

  it('never calls a bot deaf that heard sound in this attempt', () => {
    expect(judge(3000, repeat(10, { people: 2, reception: none, heard: true }))).toBeUndefined();
  });
});

describe('the deaf watch', () => {
  function setup(options: { mayRejoin: boolean; receptions?: Reception[] }) {
    const said: Array<['leaving' | 'staying', Deafness]> = [];
    let asked = 0;
    const check = deafWatch({
      afterMs: 2000,
      recording: {
        firstSoundAt: () => undefined,
        reception: () => {
          asked += 1;
          return Promise.resolve(options.receptions?.shift() ?? none);
        },
      },
      mayRejoin: () => Promise.resolve(options.mayRejoin),
      leaving: (seen) => Promise.resolve(void said.push(['leaving', seen])),
      staying: (seen) => Promise.resolve(void said.push(['staying', seen])),
    });
    return { check, said, asked: () => asked };
  }

  it('gives the reason to leave once, after saying what it saw', async () => {
    const { check, said } = setup({ mayRejoin: true });
    const reasons = [];
    for (let t = 0; t <= 5000; t += 1000) reasons.push(await check(t, 3));
    expect(reasons).toEqual([undefined, undefined, deafReason({ participants: 3, tracks: 0, unmuted: 0, forMs: 2000 }), undefined, undefined, undefined]);
    expect(said).toEqual([['leaving', { participants: 3, tracks: 0, unmuted: 0, forMs: 2000 }]]);
    expect(reasons[2]).toBe('joined but deaf: no audio reached the bot for 2 s while 3 other participants were present (no audio track); leaving to rejoin');
  });

  it('stays when the session already rejoined for deafness', async () => {
    const { check, said } = setup({ mayRejoin: false });
    for (let t = 0; t <= 5000; t += 1000) expect(await check(t, 1)).toBeUndefined();
    expect(said.map(([what]) => what)).toEqual(['staying']);
  });

  it('does not ask the page while nobody else is in the meeting', async () => {
    const { check, asked } = setup({ mayRejoin: true });
    for (let t = 0; t <= 5000; t += 1000) await check(t, 0);
    expect(asked()).toBe(0);
  });
});

describe('the watch with the deaf rule', () => {
  it('ends the presence no_audio with the rule reason', async () => {
    const explained: Array<[EndCode, string]> = [];
    const admittedAt = Date.now();
    const code = await watchMeeting({
      ended: never,
      crashed: never,
      signal: new AbortController().signal,
      participantCount: () => Promise.resolve(2),
      lastSoundAt: () => 0,
      deaf: (at) => Promise.resolve(at - admittedAt >= 100 ? 'joined but deaf' : undefined),
      explain: (c, why) => explained.push([c, why]),
      admittedAt,
      rules: { nobodyJoinedMs: 5000, aloneMs: 5000, silenceMs: 5000, silenceAfterMs: 5000, maxDurationMs: 5000, pollMs: 20 },
    });
    expect(code).toBe('no_audio');
    expect(explained).toEqual([['no_audio', 'joined but deaf']]);
  });
});
