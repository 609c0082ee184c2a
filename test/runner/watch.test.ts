import { describe, expect, it } from 'vitest';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { countPeople, isOtherBot, watchMeeting, type AutoLeaveRules } from '../../src/runner/watch.js';
import { defaultOtherBotNames, loadConfig } from '../../src/config.js';

const rules: AutoLeaveRules = { nobodyJoinedMs: 400, aloneMs: 200, silenceMs: 300, silenceAfterMs: 100, maxDurationMs: 5000, pollMs: 20 };
const never = new Promise<never>(() => undefined);

function watch(overrides: { counts?: Array<number | undefined>; lastSoundAt?: () => number; rules?: Partial<AutoLeaveRules>; ended?: Promise<EndCode>; crashed?: Promise<void>; signal?: AbortSignal; seenBefore?: string[] }) {
  const counts = [...(overrides.counts ?? [2])];
  const admittedAt = Date.now();
  return watchMeeting({
    ended: overrides.ended ?? never,
    crashed: overrides.crashed ?? never,
    signal: overrides.signal ?? new AbortController().signal,
    participantCount: () => Promise.resolve(counts.length > 1 ? counts.shift() : counts[0]),
    lastSoundAt: overrides.lastSoundAt ?? (() => Date.now()),
    admittedAt,
    ...(overrides.seenBefore ? { seenBefore: overrides.seenBefore } : {}),
    rules: { ...rules, ...overrides.rules },
  });
}

describe('auto-leave rules', () => {
  it('leaves alone once everyone else has gone for aloneMs', async () => {
    const started = Date.now();
    expect(await watch({ counts: [2, 1, 0] })).toBe('left_alone');
    expect(Date.now() - started).toBeGreaterThanOrEqual(rules.aloneMs);
  });

  it('leaves when nobody ever joined within nobodyJoinedMs', async () => {
    const started = Date.now();
    expect(await watch({ counts: [0] })).toBe('left_alone');
    expect(Date.now() - started).toBeGreaterThanOrEqual(rules.nobodyJoinedMs);
  });

  it('counts people seen before recording as joined: all gone by then is the alone rule, not nobody-joined', async () => {
    const nobodyJoinedMs = 5_000;
    const started = Date.now();
    expect(await watch({ counts: [0], seenBefore: ['Ada'], rules: { nobodyJoinedMs } })).toBe('left_alone');
    expect(Date.now() - started).toBeGreaterThanOrEqual(rules.aloneMs);
    expect(Date.now() - started).toBeLessThan(nobodyJoinedMs);
    // Other bots seen before count no more than in the meeting.
    const botsOnly = Date.now();
    expect(await watch({ counts: [0], seenBefore: ['Otter.ai'], rules: { otherBotNames: ['otter.ai'] } })).toBe('left_alone');
    expect(Date.now() - botsOnly).toBeGreaterThanOrEqual(rules.nobodyJoinedMs);
  });

  it('leaves on silence only after silenceAfterMs', async () => {
    expect(await watch({ lastSoundAt: () => 0 })).toBe('silence_timeout');
  });

  it('never leaves on silence while people speak', async () => {
    expect(await watch({ rules: { maxDurationMs: 600 } })).toBe('max_duration');
  });

  it('takes the provider end, a crash or an operator stop as they come', async () => {
    expect(await watch({ ended: Promise.resolve('kicked') })).toBe('kicked');
    expect(await watch({ crashed: Promise.resolve() })).toBe('browser_crashed');
    const controller = new AbortController();
    const result = watch({ signal: controller.signal });
    controller.abort('consent_declined');
    expect(await result).toBe('consent_declined');
    const stop = new AbortController();
    stop.abort();
    expect(await watch({ signal: stop.signal })).toBe('stopped_by_operator');
  });

  it("passes on the provider's reason with its end code, for the leaving event", async () => {
    const explained: Array<[EndCode, string]> = [];
    const reason = 'the host withdrew the permission to record';
    const code = await watchMeeting({
      ended: Promise.resolve({ endCode: 'recording_permission_denied', reason }),
      crashed: never,
      signal: new AbortController().signal,
      participantCount: () => Promise.resolve(2),
      explain: (endCode, why) => explained.push([endCode, why]),
      lastSoundAt: () => Date.now(),
      admittedAt: Date.now(),
      rules,
    });
    expect(code).toBe('recording_permission_denied');
    expect(explained).toEqual([['recording_permission_denied', reason]]);
  });

  it('does not leave while the participant count is unknown', async () => {
    expect(await watch({ counts: [undefined], rules: { maxDurationMs: 700 } })).toBe('max_duration');
  });
});

describe('other notetaker bots', () => {
  const botRules = { otherBotNames: defaultOtherBotNames, maxDurationMs: 1000 };

  function watchWithNames(counts: Array<number | undefined>, names: Array<string[] | undefined>) {
    const reasons: string[] = [];
    const queue = [...names];
    const result = watchMeeting({
      ended: never,
      crashed: never,
      signal: new AbortController().signal,
      participantCount: () => Promise.resolve(counts.length > 1 ? counts.shift() : counts[0]),
      participantNames: () => Promise.resolve(queue.length > 1 ? queue.shift() : queue[0]),
      explain: (_code, reason) => reasons.push(reason),
      lastSoundAt: () => Date.now(),
      admittedAt: Date.now(),
      rules: { ...rules, ...botRules },
    });
    return { result, reasons };
  }

  it('leaves alone when everyone still there is another notetaker, and says which', async () => {
    const started = Date.now();
    const { result, reasons } = watchWithNames([2, 2, 2, 2], [['Ada', 'Otter.ai'], ['Ada', 'Otter.ai'], ['Otter.ai', 'Fireflies.ai Notetaker']]);
    expect(await result).toBe('left_alone');
    expect(Date.now() - started).toBeGreaterThanOrEqual(rules.aloneMs);
    expect(reasons).toEqual(['only other bots remain: Otter.ai, Fireflies.ai Notetaker']);
  });

  it('leaves after nobodyJoinedMs when only bots were ever there', async () => {
    const { result, reasons } = watchWithNames([1], [['Fathom Notetaker']]);
    expect(await result).toBe('left_alone');
    expect(reasons).toEqual(['only other bots remain: Fathom Notetaker']);
  });

  it('stays while a person whose name matches no pattern is there', async () => {
    const { result, reasons } = watchWithNames([2], [['Harry Potter', 'Otter.ai']]);
    expect(await result).toBe('max_duration');
    expect(reasons).toEqual(['the meeting reached the maximum duration']);
  });

  it('falls back to the count when the names cannot be read', async () => {
    expect(await watchWithNames([1], [undefined]).result).toBe('max_duration');
    const { result, reasons } = watchWithNames([1, 1, 0], [undefined]);
    expect(await result).toBe('left_alone');
    expect(reasons).toEqual(['everyone else left']);
  });

  it('counts everyone when no patterns are configured', async () => {
    const reasons: string[] = [];
    const result = watchMeeting({
      ended: never,
      crashed: never,
      signal: new AbortController().signal,
      participantCount: () => Promise.resolve(1),
      participantNames: () => Promise.resolve(['Otter.ai']),
      explain: (_code, reason) => reasons.push(reason),
      lastSoundAt: () => Date.now(),
      admittedAt: Date.now(),
      rules: { ...rules, maxDurationMs: 700, otherBotNames: [] },
    });
    expect(await result).toBe('max_duration');
    expect(reasons).toEqual(['the meeting reached the maximum duration']);
  });

  it('reads the patterns from QUORUM_OTHER_BOT_NAMES, empty turning the rule off', () => {
    expect(loadConfig({}).QUORUM_OTHER_BOT_NAMES).toEqual([...defaultOtherBotNames]);
    expect(loadConfig({ QUORUM_OTHER_BOT_NAMES: ' Acme Recorder, ,Zed Notes ' }).QUORUM_OTHER_BOT_NAMES).toEqual(['Acme Recorder', 'Zed Notes']);
    expect(loadConfig({ QUORUM_OTHER_BOT_NAMES: '' }).QUORUM_OTHER_BOT_NAMES).toEqual([]);
  });

  it('counts unnamed participants as people and never exceeds the count', () => {
    const patterns = defaultOtherBotNames;
    expect(countPeople(3, ['Otter.ai'], patterns)).toEqual({ people: 2, bots: ['Otter.ai'] });
    expect(countPeople(1, ['Ada', 'Otter.ai'], patterns)).toEqual({ people: 1, bots: ['Otter.ai'] });
    expect(countPeople(0, ['Ada'], patterns)).toEqual({ people: 0, bots: [] });
    expect(countPeople(undefined, ['Otter.ai'], patterns)).toEqual({ people: 0, bots: ['Otter.ai'] });
    expect(countPeople(undefined, [], patterns)).toEqual({ people: undefined, bots: [] });
    expect(countPeople(2, undefined, patterns)).toEqual({ people: 2, bots: [] });
  });

  it('matches bot names case-insensitively and leaves ordinary names alone', () => {
    const bots = ['Otter.ai', 'fireflies.ai notetaker', 'Fathom Notetaker', 'Read.ai meeting notes', 'tl;dv Recorder', "Ada's Avoma Assistant", 'MEETING BOT', 'Recall.ai Bot'];
    for (const name of bots) expect(isOtherBot(name, defaultOtherBotNames), name).toBe(true);
    const people = ['Ada Lovelace', 'Harry Potter', 'Jamie Gong', 'Grace Hopper', 'Otto Read', 'Ada (Guest)'];
    for (const name of people) expect(isOtherBot(name, defaultOtherBotNames), name).toBe(false);
  });
});
