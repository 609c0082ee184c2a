import { z } from 'zod';
import type { RoomPlan } from './types.js';

const ms = z.number().int().nonnegative();

const participantSchema = z
  .object({
    name: z.string().min(1).max(100),
    speaks: z.boolean().default(true),
    /** Not speaking, but sending audio (silence): an open microphone in a quiet room. */
    openMic: z.boolean().default(false),
    leaveAfterMs: ms.optional(),
  })
  .strict();

/** What a Teams or Webex meeting does; both simulated web apps share the shape. */
export const webMeetingScriptSchema = z
  .object({
    /** The link opens an interstitial first ("Continue on this browser" / "Join from browser"). */
    launcher: z.boolean().default(true),
    /** The pre-join page asks "Are you sure you don't want audio or video?" (no device permission). */
    avPrompt: z.boolean().default(true),
    access: z.enum(['lobby', 'open', 'blocked']).default('lobby'),
    /** The meeting is at capacity: "Join" gets the provider's full-meeting page instead of the lobby or the call. */
    full: z.boolean().default(false),
    /** `bot_approval`: the 2026 Teams lobby for detected bots, which needs the organizer's approval. */
    lobbyKind: z.enum(['standard', 'bot_approval']).default('standard'),
    /** What an anonymous (not signed-in) visitor meets instead of the pre-join page. */
    gate: z.enum(['none', 'captcha', 'sign_in_required']).default('none'),
    lobby: z
      .object({ outcome: z.enum(['admit', 'deny', 'no_response', 'hold']), afterMs: ms })
      .strict()
      .default({ outcome: 'hold', afterMs: 0 }),
    participants: z.array(participantSchema).max(20).default([]),
    endAfterMs: ms.optional(),
    removeBotAfterMs: ms.optional(),
    /** The bot's first admission hears nothing: the participants' audio is never connected to it; a rejoin hears. */
    deafFirstJoin: z.boolean().default(false),
  })
  .strict();

export type TeamsScript = z.input<typeof webMeetingScriptSchema>;
export type WebexScript = TeamsScript;
export type ParsedWebMeetingScript = z.output<typeof webMeetingScriptSchema>;

export function webMeetingPlan(script: ParsedWebMeetingScript): RoomPlan {
  return {
    access: script.access,
    full: script.full,
    lobby: script.lobby,
    participants: script.participants,
    deafFirstJoin: script.deafFirstJoin,
    ...(script.endAfterMs === undefined ? {} : { endAfterMs: script.endAfterMs }),
    ...(script.removeBotAfterMs === undefined ? {} : { removeBotAfterMs: script.removeBotAfterMs }),
    admissionDialogs: [],
    blockingDialogs: [],
  };
}
