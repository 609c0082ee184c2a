import type { Page } from 'playwright-core';
import type { Logger } from 'pino';
import type { EndCode } from '../src/sessions/end-codes.js';

export type ProviderId = 'meet' | 'webex' | 'teams' | 'zoom';

/** A meeting link an adapter recognized: `url` is the normalized link the bot opens. */
export interface MeetingRef {
  provider: ProviderId;
  /** The provider's meeting identifier (Meet code, Zoom meeting number, ...). */
  id: string;
  url: string;
  /**
   * The provider refuses this meeting to a signed-in bot account, so every attempt joins anonymously whatever the
   * company's settings (Teams consumer meetings on teams.live.com fail if login is forced, providers.md §4.2).
   */
  signInUnsupported?: boolean;
  /**
   * Why no bot (nor cloud fetch) can use this form of link, in words for the requester: e.g. a Zoom personal link
   * carries no meeting number. Link detection still names the provider, and eligibility refuses it up front.
   */
  unjoinable?: string;
  /**
   * The meeting passcode the invite or request stated apart from the link (Webex's "Meeting password:", Zoom's and
   * Teams' "Passcode:"), typed when the meeting asks and the link carries none. A secret: never logged.
   */
  passcode?: string;
}

/** Phases a bot reports while joining; the runner turns them into session transitions. */
export type JoinPhase = 'waiting_room' | 'awaiting_permission';

export interface JoinContext {
  /** A fresh page in the bot's own isolated browser context; audio capture is already installed. */
  page: Page;
  ref: MeetingRef;
  botName: string;
  log: Logger;
  /** Aborted when an operator stops the bot or the session is cancelled. */
  signal: AbortSignal;
  /** How long the bot may wait to be admitted before giving up with `waiting_room_timeout`. */
  waitingRoomTimeoutMs: number;
  /** How long to wait for an expected page element before `ui_changed`. */
  stepTimeoutMs: number;
  phase(phase: JoinPhase): void;
  /**
   * Saves a screenshot and the page's HTML now, kept with the attempt. Adapters call it before they change
   * a page they are giving up on (e.g. leaving a lobby), so the evidence shows what the bot saw.
   */
  saveEvidence(label: string): Promise<void>;
  /**
   * True when this attempt joins signed in to the company's dedicated bot account (the company enabled the
   * provider's authenticated bot; SignedInBots decides per attempt). Adapters without signed-in joins ignore
   * it. Absent means anonymous.
   */
  authenticated?: boolean;
  /** The bot account for an authenticated join; absent while `authenticated` means `credentials_missing`. */
  account?: BotAccount;
  /**
   * The company's settings for this meeting's provider (`providers.<provider>`, secrets decrypted), for adapters
   * that join with company credentials (Zoom's SDK key, tokens). Adapters parse what they need; never logged.
   */
  providerSettings?: Readonly<Record<string, unknown>>;
}

/** A dedicated provider account the bot signs in with. Never logged: the password only goes into its field. */
export interface BotAccount {
  email: string;
  password: string;
  /** Keeps the account's signed-in browser state between joins, encrypted at rest; absent: sign in every time. */
  signedInState?: SignedInStateStore;
}

export interface SignedInStateStore {
  /** The saved state (Playwright storage-state JSON), or undefined when none is kept. */
  load(): Promise<string | undefined>;
  save(state: string): Promise<void>;
}

/**
 * How the provider ended the bot's presence: the end code, or the code with a sentence saying why when the code
 * alone would mislead (the runner's `leaving` event carries it as `reason`).
 */
export type PresenceEnd = EndCode | { endCode: EndCode; reason: string };

export interface InMeeting {
  /** Resolves when the provider ends the bot's presence: `meeting_ended`, `kicked`, ... */
  ended: Promise<PresenceEnd>;
  /** Other people in the meeting, the bot excluded; undefined when the page does not say. */
  participantCount(): Promise<number | undefined>;
  /**
   * The other participants' display names, the bot excluded, as the page shows them; undefined when the roster
   * cannot be read (the auto-leave rules then go by the count alone). Absent: the adapter cannot read names.
   */
  participantNames?(): Promise<string[] | undefined>;
  /** Leaves the meeting through the provider's own UI; never throws. */
  leave(): Promise<void>;
  /**
   * Names of the others the bot saw in the meeting before it could record (Zoom: while it waited for permission to
   * record). The auto-leave rules count them as having joined: if they all left during that wait, the bot is alone
   * (the alone rule), not in a meeting nobody joined (the much longer nobody-joined rule). Absent: none seen.
   */
  seenBeforeRecording?: readonly string[];
}

export interface JoinAdapter {
  readonly provider: ProviderId;
  /** Pure: recognizes a link of this provider. Used by intake, eligibility and `quorum join`. */
  matchUrl(url: URL): MeetingRef | undefined;
  /** Resolves once the bot is admitted (in-meeting signals only); throws SessionError otherwise. */
  join(ctx: JoinContext): Promise<InMeeting>;
}
