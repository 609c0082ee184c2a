import type { EndCode } from './end-codes.js';

/**
 * Finer than an end code, for whoever acts on it: an integrator reading the timeline, and Quorum itself (a bot
 * account whose sign-in was refused for good is passed over: src/scheduler/account-marks.ts). Open-ended like
 * Recall's `sub_code`; only the ones below are produced.
 * - `credentials_refused`: the identity provider refused the bot account's password or the account itself;
 * - `second_step_required`: it asked for a second sign-in step (MFA) after the right password.
 */
export type SubCode = 'credentials_refused' | 'second_step_required';

/** A failure with a stable end code; `step` names where in the flow it happened. */
export class SessionError extends Error {
  readonly endCode: EndCode;
  readonly step: string;
  readonly subCode: SubCode | undefined;

  constructor(endCode: EndCode, step: string, message?: string, options?: { cause?: unknown; subCode?: SubCode }) {
    super(message ?? `${endCode} at ${step}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SessionError';
    this.endCode = endCode;
    this.step = step;
    this.subCode = options?.subCode;
  }
}

export function isSessionError(error: unknown): error is SessionError {
  return error instanceof SessionError;
}
