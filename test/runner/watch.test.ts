import { describe, expect, it } from 'vitest';
import type { EndCode } from '../../src/sessions/end-codes.js';
import { watchMeeting, type AutoLeaveRules } from '../../src/runner/watch.js';

const rules: AutoLeaveRules = { nobodyJoinedMs: 400, aloneMs: 200, silenceMs: 300, silenceAfterMs: 100, maxDurationMs: 5000, pollMs: 20 };
const never = new Promise<never>(() => undefined);

function watch(overrides: { counts?: Array<number | undefined>; lastSoundAt?: () => number; rules?: Partial<AutoLeaveRules>; ended?: Promise<EndCode>; crashed?: Promise<void>; signal?: AbortSignal }) {
  const counts = [...(overrides.counts ?? [2])];
  const admittedAt = Date.now();
  return watchMeeting({
    ended: overrides.ended ?? never,
    crashed: overrides.crashed ?? never,
    signal: overrides.signal ?? new AbortController().signal,
    participantCount: () => Promise.resolve(counts.length > 1 ? counts.shift() : counts[0]),
    lastSoundAt: overrides.lastSoundAt ?? (() => Date.now()),
    admittedAt,
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

  it('does not leave while the participant count is unknown', async () => {
    expect(await watch({ counts: [undefined], rules: { maxDurationMs: 700 } })).toBe('max_duration');
  });
});
