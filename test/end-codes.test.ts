import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { endCodes, type EndCode } from '../src/sessions/end-codes.js';
import { nextAttemptAt, retryPolicy } from '../src/sessions/retry-policy.js';

const doc = readFileSync(new URL('../docs/end-codes.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `([a-z_]+)` \| ([a-z_]+) \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], { kind: m[2], retried: m[3]?.trim(), message: m[4]?.trim() }]),
);

describe('end codes', () => {
  it('docs/end-codes.md lists exactly the codes of the table, with the same kind, retry rule and message', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(endCodes).sort());
    for (const [code, info] of Object.entries(endCodes)) {
      const row = documented.get(code);
      const rule = retryPolicy[code as EndCode];
      expect(row, code).toEqual({ kind: info.kind, retried: rule ? `yes, up to ${rule.maxAttempts} attempts` : 'no', message: info.message });
    }
  });

  it('retries transient failures with growing backoff, ui_changed once, and never past the meeting end', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    const endsAt = new Date('2026-01-01T11:00:00Z');
    const at = (endCode: EndCode, attempt: number) => nextAttemptAt({ endCode, attempt, endsAt, now, backoffSeconds: 5 })?.getTime();
    expect(at('browser_crashed', 1)).toBe(now.getTime() + 5000);
    expect(at('browser_crashed', 2)).toBe(now.getTime() + 10_000);
    expect(at('browser_crashed', 3)).toBeUndefined();
    expect(at('ui_changed', 1)).toBe(now.getTime() + 5000);
    expect(at('ui_changed', 2)).toBeUndefined();
    expect(at('admission_denied', 1)).toBeUndefined();
    expect(nextAttemptAt({ endCode: 'worker_lost', attempt: 1, endsAt: now, now, backoffSeconds: 5 })).toBeUndefined();
    // A backoff that would end after the meeting: no bot joins a meeting that is over.
    expect(nextAttemptAt({ endCode: 'worker_lost', attempt: 1, endsAt: new Date(now.getTime() + 4000), now, backoffSeconds: 5 })).toBeUndefined();
    expect(nextAttemptAt({ endCode: 'worker_lost', attempt: 1, endsAt: new Date(now.getTime() + 6000), now, backoffSeconds: 5 })?.getTime()).toBe(now.getTime() + 5000);
  });

  it('rejoins a deaf bot at once, and never retries no_audio given at the end of a meeting', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    const endsAt = new Date('2026-01-01T11:00:00Z');
    const at = (input: { endCode: EndCode; rejoin?: 'deaf'; attempt?: number; endsAt?: Date }) =>
      nextAttemptAt({ attempt: 1, endsAt, now, backoffSeconds: 5, ...input })?.getTime();
    expect(at({ endCode: 'no_audio', rejoin: 'deaf' })).toBe(now.getTime());
    // The runner leaves for deafness once per session; the attempt number does not limit it.
    expect(at({ endCode: 'no_audio', rejoin: 'deaf', attempt: 3 })).toBe(now.getTime());
    // Labelled at the end of the meeting (the bot stayed): the meeting is over, nothing follows.
    expect(at({ endCode: 'no_audio' })).toBeUndefined();
    expect(at({ endCode: 'no_audio', rejoin: 'deaf', endsAt: now })).toBeUndefined();
    // The hint belongs to no_audio alone: another end keeps its own rule.
    expect(at({ endCode: 'storage_full', rejoin: 'deaf' })).toBe(now.getTime() + 5000);
  });
});
