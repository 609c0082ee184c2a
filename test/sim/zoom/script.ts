import { z } from 'zod';
import type { RoomPlan } from '../core/types.js';

const ms = z.number().int().nonnegative();

/** What a simulated Zoom meeting does to a bot joining through the Meeting SDK. */
export const zoomScriptSchema = z
  .object({
    /** What Zoom shows the bot instead of the meeting: its 2026 bot wall or an image CAPTCHA. */
    gate: z.enum(['none', 'bot_wall', 'captcha']).default('none'),
    /** A waiting room and what the host does there; absent: the bot is let in at once. */
    waitingRoom: z.object({ outcome: z.enum(['admit', 'deny', 'hold']), afterMs: ms }).strict().optional(),
    /** The meeting's passcode differs from the link's `pwd` (changed after the invite went out). */
    passcodeChanged: z.boolean().default(false),
    /** The host starts the meeting this long after the bot first tries; null: never. */
    startAfterMs: ms.nullable().default(0),
    /** The meeting is at capacity: once started, the SDK refuses the join with MEETING_CAPACITY_REACHED. */
    full: z.boolean().default(false),
    /** Name of the host among `participants`; default the first. A host not among them is absent. */
    host: z.string().min(1).optional(),
    /** The host's answer to the bot's request for recording privilege; `none`: never answers. */
    permission: z.object({ answer: z.enum(['granted', 'denied', 'none']), afterMs: ms }).strict().default({ answer: 'granted', afterMs: 1_000 }),
    /** The meeting is outside the SDK app's account: the join needs an OBF token Zoom's API issued. */
    outsideAccount: z.boolean().default(false),
    /**
     * The OBF token's authorizing user joins this long after the bot first tries; until then an OBF join is refused
     * with MEETING_FAIL_AUTHORIZED_USER_NOT_INMEETING. null: never; absent: already in the meeting.
     */
    authorizerJoinsAfterMs: ms.nullable().optional(),
    /**
     * Which recording-permission API the simulated SDK offers: the Web SDK's `ZoomMtg.mediaCapture` /
     * `mediaCapturePermission` / `onMediaCapturePermissionChange`, the client's `requestLocalRecordingPrivilege` /
     * `local-recording-privilege-change`, or neither.
     */
    recordingApi: z.enum(['localRecordingPrivilege', 'mediaCapture', 'none']).default('localRecordingPrivilege'),
    /** The SDK's request for recording permission fails with this error (the host is never asked). */
    recordingApiError: z.string().min(1).max(200).optional(),
    /** `openMic`: not speaking, but sending audio (silence), like an open microphone in a quiet room. */
    participants: z
      .array(z.object({ name: z.string().min(1).max(100), speaks: z.boolean().default(true), openMic: z.boolean().default(false), leaveAfterMs: ms.optional() }).strict())
      .max(20)
      .default([]),
    endAfterMs: ms.optional(),
    removeBotAfterMs: ms.optional(),
    /** The bot's first admission hears nothing: the participants' audio is never connected to it; a rejoin hears. */
    deafFirstJoin: z.boolean().default(false),
  })
  .strict();

export type ZoomScript = z.input<typeof zoomScriptSchema>;
export type ParsedZoomScript = z.output<typeof zoomScriptSchema>;

export function zoomPlan(script: ParsedZoomScript): RoomPlan {
  const lobby = script.waitingRoom ?? { outcome: 'hold' as const, afterMs: 0 };
  return {
    access: script.waitingRoom ? 'lobby' : 'open',
    lobby,
    participants: script.participants,
    deafFirstJoin: script.deafFirstJoin,
    ...(script.endAfterMs === undefined ? {} : { endAfterMs: script.endAfterMs }),
    ...(script.removeBotAfterMs === undefined ? {} : { removeBotAfterMs: script.removeBotAfterMs }),
    admissionDialogs: [],
    blockingDialogs: [],
    recordingPermission: true,
  };
}

export function hostOf(script: ParsedZoomScript): string | undefined {
  return script.host ?? script.participants[0]?.name;
}
