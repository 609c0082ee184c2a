import { z } from 'zod';
import type { RoomPlan } from '../core/types.js';

const ms = z.number().int().nonnegative();

export const meetScriptSchema = z
  .object({
    prejoin: z
      .object({
        deviceDialog: z.boolean().default(true),
        joinButton: z.enum(['Ask to join', 'Join now', 'Ask to join anyway']).default('Ask to join'),
      })
      .strict()
      .default({ deviceDialog: true, joinButton: 'Ask to join' }),
    access: z.enum(['lobby', 'open', 'blocked']).default('lobby'),
    /**
     * What a visitor who is not signed in to Google meets (Workspace admin restrictions, providers.md §6):
     * `allowed` asks to join like anyone; `sign_in_required` is sent to Google's sign-in page; `blocked` asks and
     * gets "You can't join this video call". A signed-in account the simulator knows is a member of the host's
     * organization (Meet's Trusted access): it joins without knocking unless `access` is `blocked`.
     */
    guests: z.enum(['allowed', 'sign_in_required', 'blocked']).default('allowed'),
    /** The call is at capacity: "Ask to join" gets Meet's full-call page instead of the lobby or the call. */
    full: z.boolean().default(false),
    lobby: z
      .object({ outcome: z.enum(['admit', 'deny', 'no_response', 'hold']), afterMs: ms })
      .strict()
      .default({ outcome: 'hold', afterMs: 0 }),
    /**
     * The lobby renders the call's control bar (mic, camera, captions, a plain "People" button, Leave call) as
     * some live builds do (Meeting BaaS PR #281, #289); it still shows no participant tiles and no People count.
     */
    lobbyCallControls: z.boolean().default(false),
    gotItDialog: z.boolean().default(false),
    recordingNotice: z.boolean().default(false),
    /**
     * Gemini's "Take notes for me" is on: on admission Meet shows its "taking notes" notice over the call, with
     * the tiles rendered behind it, and holds back the call's media until "Join now" (Vexa #429, PR #1251; a notice
     * over rendered tiles with no media behind it: Vexa #1727).
     */
    geminiNotes: z.boolean().default(false),
    participants: z
      .array(
        z
          .object({
            name: z.string().min(1).max(100),
            speaks: z.boolean().default(true),
            /** Not speaking, but sending audio (silence): an open microphone in a quiet room. */
            openMic: z.boolean().default(false),
            leaveAfterMs: ms.optional(),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    /** Live Meet copy uses typographic apostrophes in some builds; bots must match both (peer-bots.md §6). */
    apostrophes: z.enum(['straight', 'typographic']).default('straight'),
    endAfterMs: ms.optional(),
    removeBotAfterMs: ms.optional(),
    /** The bot's first admission hears nothing: the participants' audio is never connected to it; a rejoin hears. */
    deafFirstJoin: z.boolean().default(false),
  })
  .strict();

/** A Meet meeting script as callers write it (every field optional). */
export type MeetScript = z.input<typeof meetScriptSchema>;
export type ParsedMeetScript = z.output<typeof meetScriptSchema>;

/** Dialog names shared with the Meet client page. */
export const meetDialogs = { gotIt: 'got_it', recording: 'recording_notice', geminiNotes: 'gemini_notes' } as const;

export function meetPlan(script: ParsedMeetScript): RoomPlan {
  const dialogs: string[] = [];
  const blocking: string[] = [];
  if (script.recordingNotice) blocking.push(meetDialogs.recording);
  if (script.geminiNotes) blocking.push(meetDialogs.geminiNotes);
  dialogs.push(...blocking);
  if (script.gotItDialog) dialogs.push(meetDialogs.gotIt);
  return {
    access: script.guests === 'blocked' ? 'blocked' : script.access,
    recognizedAccess: script.access === 'blocked' ? 'blocked' : 'open',
    full: script.full,
    lobby: script.lobby,
    participants: script.participants,
    deafFirstJoin: script.deafFirstJoin,
    ...(script.endAfterMs === undefined ? {} : { endAfterMs: script.endAfterMs }),
    ...(script.removeBotAfterMs === undefined ? {} : { removeBotAfterMs: script.removeBotAfterMs }),
    admissionDialogs: dialogs,
    // Meet keeps the call behind the recording notice until "Join now" is pressed (A click_this_meeting_is_being_recorded_join_now_button),
    // and behind Gemini's notes notice likewise (Vexa PR #1251).
    blockingDialogs: blocking,
  };
}
