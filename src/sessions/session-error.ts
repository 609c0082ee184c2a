import type { EndCode } from './end-codes.js';

/** A failure with a stable end code; `step` names where in the flow it happened. */
export class SessionError extends Error {
  readonly endCode: EndCode;
  readonly step: string;

  constructor(endCode: EndCode, step: string, message?: string, options?: { cause?: unknown }) {
    super(message ?? `${endCode} at ${step}`, options);
    this.name = 'SessionError';
    this.endCode = endCode;
    this.step = step;
  }
}

export function isSessionError(error: unknown): error is SessionError {
  return error instanceof SessionError;
}
