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
}

export interface WatchInputs {
  /** The provider's own end of the meeting (ended, removed). */
  ended: Promise<EndCode>;
  /** Resolves when the bot's page or browser crashed. */
  crashed: Promise<void>;
  signal: AbortSignal;
  participantCount(): Promise<number | undefined>;
  /** Epoch ms when audio was last heard; 0 when never. */
  lastSoundAt(): number;
  admittedAt: number;
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
        .then((code) => code && finish(code))
        .catch(() => undefined)
        .finally(() => (polling = false));
    }, inputs.rules.pollMs);
    const finish = (code: EndCode) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      inputs.signal.removeEventListener('abort', onAbort);
      resolve(code);
    };
    const onAbort = () => finish(abortCode(inputs.signal));
    if (inputs.signal.aborted) return onAbort();
    inputs.signal.addEventListener('abort', onAbort, { once: true });
    inputs.ended.then(finish, () => finish('internal_error'));
    inputs.crashed.then(() => finish('browser_crashed'), () => undefined);
  });
}

/** The end code an abort carries: operators abort with `stopped_by_operator`, consent with `consent_declined`. */
export function abortCode(signal: AbortSignal): EndCode {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' && isEndCode(reason) ? reason : 'stopped_by_operator';
}

function createRuleState(inputs: WatchInputs, now: () => number) {
  const { rules, admittedAt } = inputs;
  let seenOthers = false;
  let lastNotAlone = admittedAt;
  return {
    async check(): Promise<EndCode | undefined> {
      const t = now();
      if (t - admittedAt >= rules.maxDurationMs) return 'max_duration';
      const count = await inputs.participantCount();
      if (count !== undefined && count > 0) {
        seenOthers = true;
        lastNotAlone = t;
      } else if (count === 0) {
        if (seenOthers && t - lastNotAlone >= rules.aloneMs) return 'left_alone';
        if (!seenOthers && t - admittedAt >= rules.nobodyJoinedMs) return 'left_alone';
      }
      const quietSince = Math.max(inputs.lastSoundAt(), admittedAt);
      if (t - admittedAt >= rules.silenceAfterMs && t - quietSince >= rules.silenceMs) return 'silence_timeout';
      return undefined;
    },
  };
}
