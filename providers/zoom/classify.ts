import type { EndCode } from '../../src/sessions/end-codes.js';
import { includesAny } from '../browser/presence.js';
import type { SdkState } from './sdk-page.js';
import { botWallTexts, captchaTexts, closedReasons, sdkErrorCodes, sdkErrorNames } from './selectors.js';

/** What one reading of the bot page means while joining. */
export type JoinReading =
  | { kind: 'pending' }
  | { kind: 'waiting_room' }
  | { kind: 'not_started' }
  /** OBF join: the token's authorizing user is not in the meeting yet; worth another try, like `not_started`. */
  | { kind: 'authorizer_absent' }
  | { kind: 'admitted' }
  | { kind: 'failed'; endCode: EndCode; reason: string };

const has = (codes: readonly number[], code: number | undefined): boolean => code !== undefined && codes.includes(code);

/** Whether the SDK's error carries one of `names` as its string code or in its reason text. */
function named(names: readonly string[], error: SdkState['error']): boolean {
  const text = `${error?.name ?? ''} ${error?.reason ?? ''}`.toLowerCase();
  return names.some((name) => text.includes(name.toLowerCase()));
}

/** Pure: the SDK's state (error codes, Closed reasons, its UI's text) to a join verdict. */
export function classifyJoin(state: SdkState): JoinReading {
  if (includesAny(state.text, botWallTexts)) return { kind: 'failed', endCode: 'blocked_by_bot_wall', reason: 'Zoom showed its bot wall' };
  if (state.captcha || includesAny(state.text, captchaTexts)) return { kind: 'failed', endCode: 'blocked_by_captcha', reason: 'Zoom showed a CAPTCHA' };
  if (state.closed !== null) return { kind: 'failed', ...closedVerdict(state.closed, 'waiting_room') };
  if (state.phase === 'failed') {
    const code = state.error?.code;
    const reason = `${state.error?.reason ?? 'join failed'}${code === undefined ? '' : ` (${code})`}`;
    if (has(sdkErrorCodes.notStarted, code)) return { kind: 'not_started' };
    if (named(sdkErrorNames.authorizedUserNotInMeeting, state.error)) return { kind: 'authorizer_absent' };
    if (has(sdkErrorCodes.wrongPasscode, code)) return { kind: 'failed', endCode: 'password_incorrect', reason };
    if (has(sdkErrorCodes.meetingNotExist, code)) return { kind: 'failed', endCode: 'meeting_not_found', reason };
    if (has(sdkErrorCodes.removed, code)) return { kind: 'failed', endCode: 'kicked', reason };
    if (has(sdkErrorCodes.meetingFull, code)) return { kind: 'failed', endCode: 'meeting_full', reason };
    if (state.error?.reason === 'sdk_unavailable') return { kind: 'failed', endCode: 'ui_changed', reason: 'the Meeting SDK script did not load' };
    return { kind: 'failed', endCode: 'blocked_by_platform', reason };
  }
  if (state.phase !== 'joined') return { kind: 'pending' };
  return state.hold ? { kind: 'waiting_room' } : { kind: 'admitted' };
}

/** A `connection-change: Closed` reason to the end of the bot's presence. */
export function closedVerdict(reason: string, during: 'waiting_room' | 'meeting'): { endCode: EndCode; reason: string } {
  const text = reason.toLowerCase();
  if (includesAny(text, closedReasons.kicked)) return { endCode: during === 'waiting_room' ? 'admission_denied' : 'kicked', reason };
  if (includesAny(text, closedReasons.deniedEntry)) return { endCode: 'admission_denied', reason };
  if (includesAny(text, closedReasons.ended)) return { endCode: 'meeting_ended', reason };
  return { endCode: 'meeting_ended', reason };
}
