import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

export type SimProviderId = 'meet' | 'teams' | 'webex' | 'zoom';

export type SimEventType =
  | 'bot_opened'
  | 'join_requested'
  | 'admitted'
  | 'denied'
  | 'blocked'
  | 'no_response'
  /** The meeting was at capacity and turned the bot away. */
  | 'full'
  | 'bot_left'
  | 'bot_removed'
  | 'ended'
  | 'participant_joined'
  | 'participant_left'
  | 'audio_connected'
  /** The participants' audio was kept from this admission of the bot (`deafFirstJoin`); `name` is the bot. */
  | 'audio_withheld'
  /** The provider showed the bot a CAPTCHA instead of the pre-join page. */
  | 'captcha'
  /** The provider demanded a signed-in user. */
  | 'sign_in_wall'
  /** The bot opened the meeting signed in to an account (`name` is the account e-mail). */
  | 'bot_signed_in'
  /** Zoom: the bot asked the host for local-recording privilege. */
  | 'permission_requested'
  /** Zoom: recording privilege granted (`name`: `host` or `join token`) or denied by the host. */
  | 'permission_granted'
  | 'permission_denied'
  /** Zoom: the host took back the recording privilege it had given (`revoke_permission`). */
  | 'permission_revoked';

export interface SimEvent {
  at: string;
  type: SimEventType;
  name?: string;
}

export interface SimMeetingReport {
  id: string;
  provider: SimProviderId;
  joinUrl: string;
  script: unknown;
  state: 'waiting' | 'active' | 'ended';
  events: SimEvent[];
  bot?: { name: string; requestedAt?: string; admittedAt?: string; leftAt?: string };
}

export const simActionSchema = z.object({
  /** `revoke_permission` / `grant_permission`: the host takes back or gives the bot's recording privilege (Zoom). */
  type: z.enum(['admit', 'deny', 'end', 'remove_bot', 'participant_leave', 'revoke_permission', 'grant_permission']),
  name: z.string().min(1).optional(),
});
export type SimAction = z.infer<typeof simActionSchema>;

/** Thrown for control requests that cannot apply; `status` is the control API's HTTP status. */
export class SimError extends Error {
  constructor(
    readonly status: 404 | 409 | 400,
    message: string,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

/**
 * What a meeting does, in provider-neutral terms. Providers turn their own script shape into a plan;
 * times after admission are relative to the bot's admission.
 */
export interface RoomPlan {
  access: 'lobby' | 'open' | 'blocked';
  /** The access of a bot signed in to an account the provider recognizes (an org member); absent: `access`. */
  recognizedAccess?: 'lobby' | 'open' | 'blocked';
  /** The meeting is at capacity: the bot is turned away with the provider's full-meeting page when it asks to join. */
  full?: boolean;
  lobby: { outcome: 'admit' | 'deny' | 'no_response' | 'hold'; afterMs: number };
  /** `openMic`: a participant who does not speak still sends audio (silence), like an open microphone in a quiet room. */
  participants: Array<{ name: string; speaks: boolean; openMic?: boolean; leaveAfterMs?: number }>;
  /**
   * The bot's first admission is deaf: the participants' audio is never connected to it (peer-bots.md §4 item 7),
   * though they are in the roster; later admissions of the bot hear them.
   */
  deafFirstJoin?: boolean;
  endAfterMs?: number;
  removeBotAfterMs?: number;
  /** Provider-specific dialog names the bot page shows on admission. */
  admissionDialogs: string[];
  /** Dialogs that hold back the call's media until the bot dismisses them. */
  blockingDialogs: string[];
  /** The host can give and take back the bot's recording privilege while it is in the meeting (Zoom). */
  recordingPermission?: boolean;
}

/** The view the bot's page renders; each provider's client maps it onto its own copy. */
export type BotView =
  | 'lobby'
  | 'blocked'
  | 'full'
  | 'denied'
  | 'no_response'
  | 'in_meeting'
  | 'removed'
  | 'ended'
  | 'left';

export interface MeetingLookup {
  /** Records `bot_opened` and returns the meeting's parsed script, or undefined for an unknown code. */
  openedByBot(provider: SimProviderId, code: string): { script: unknown } | undefined;
  /** The meeting's parsed script without recording anything, or undefined for an unknown code. */
  scriptOf?(provider: SimProviderId, code: string): unknown;
  /** Records a provider-page event (CAPTCHA shown, sign-in wall, signed-in open) in the meeting's log. */
  note?(provider: SimProviderId, code: string, type: SimEventType, name?: string): void;
}

/** One simulated provider: its hostnames, script format, join URLs and web pages. */
export interface SimProvider {
  readonly id: SimProviderId;
  readonly hosts: readonly string[];
  /** Validates a script; throws a ZodError. */
  parseScript(script: unknown): { script: unknown; plan: RoomPlan };
  newCode(taken: (code: string) => boolean): string;
  joinUrl(code: string): string;
  /** Serves the provider's own pages (everything outside `/_sim/`). */
  serve(req: IncomingMessage, res: ServerResponse, url: URL, meetings: MeetingLookup): void;
  /** Whether the bot's connection is signed in to an account the provider recognizes; absent: never. */
  recognizesBot?(req: IncomingMessage): boolean;
}
