import { withApostropheVariants } from '../browser/presence.js';

/**
 * Google Meet selectors and UI copy, as data. Sources are listed in the design notes' reference/peer-bots.md
 * §6.1 (Attendee, Vexa, ScreenApp, Meeting BaaS, meetingbot). Texts are matched case-insensitively as
 * substrings of the page's visible text; button labels are matched exactly.
 */


export const meetSelectors = {
  /** First visible match wins; the aria-label one is the English UI, the rest are locale-agnostic. */
  nameInputs: [
    'input[type="text"][aria-label="Your name"]',
    'input[jsname][type="text"]:not([aria-hidden="true"])',
    'input[type="text"][placeholder*="name" i]',
  ],
  /** Both `div[role=button]` and `button` carry these labels depending on the Meet build. */
  mediaOffLabels: ['Turn off microphone', 'Turn off camera'],
  leaveCall: 'button[aria-label="Leave call"]',
  /** "People - 3 joined": the number includes the bot. */
  peopleButton: 'button[aria-label^="People - "]',
  participantTile: '[data-participant-id]',
  selfTileAttribute: 'data-self-name',
  /** A tile's display name: Meet marks names `notranslate` so the page's translator leaves them alone. */
  tileName: 'span.notranslate',
  /**
   * Admission evidence, in two kinds. Meet's lobby can render the call's control bar, People button included,
   * seconds before its lobby copy appears and while it shows (Meeting BaaS PR #281, #282, #289: "the full
   * call-control DOM"), so `callUiSignals` never prove admission on their own. `inMeetingSignals` exist only in
   * the call: participant tiles (Vexa's admission indicators) and the call's own "People - 3 joined" count.
   * Admission needs at least one in-meeting signal and `admissionQuorum` signals in all; "Leave call" and the
   * mic toggle count as neither (the lobby shows both).
   */
  inMeetingSignals: ['[data-participant-id]', 'button[aria-label^="People - "]'],
  callUiSignals: [
    'div[role="region"][aria-label="Call controls"]',
    'button[aria-label="People"]',
    'button[aria-label="Turn on captions"]',
  ],
  admissionQuorum: 2,
  /** Elements only the lobby renders (Vexa, joinly); they win over any call UI on the same page. */
  lobbyElements: ['[aria-label*="Asking to be let in"]', '[aria-label^="someone lets you in" i]'],
  dialogs: '[role="dialog"], [role="alertdialog"]',
} as const;

export const meetButtons = {
  joinCta: [
    'Ask to join',
    'Ask to join anyway',
    'Join now',
    'Join the call now',
    'Join anyway',
    'Join here too',
  ],
  deviceDialog: ['Continue without microphone and camera'],
  gotIt: ['Got it'],
  useWithoutAccount: ['Use without an account'],
  /**
   * The "this meeting is being recorded" notice is accepted with its own "Join now", and so is Gemini's
   * "taking notes" notice (Vexa PR #1251: the notice offers "Join now", and Meet holds back the call until it).
   */
  recordingNoticeAccept: ['Join now'],
  /** Leaving the lobby: "Leave call" is rendered there too; older builds show "Cancel". */
  leaveLobby: ['Leave call', 'Cancel'],
} as const;

export const meetTexts = {
  recordingNotice: withApostropheVariants(['this meeting is being recorded', 'this call is being recorded']),
  /**
   * Gemini's "Take notes for me" notice (peer-bots.md §6.1, Vexa #429/#454). Matched only inside a dialog: the
   * call's own banner and toolbar say "taking notes" for the whole call (attendee PR #604).
   */
  geminiNotes: ['take notes for me', 'taking notes'],
  /**
   * A call at capacity: Meet's own wording (no peer bot in peer-bots.md §6.1 matches it). It may sit under
   * "You can't join this video call", so page-state reads it before `blocked`.
   */
  full: withApostropheVariants(['This video call is full', 'The call is full']),
  blocked: withApostropheVariants([
    "You can't join this video call",
    'There is a problem connecting to this video call',
  ]),
  notFound: withApostropheVariants([
    'Check your meeting code',
    'Invalid video call name',
    'Your meeting code has expired',
    "The meeting code you entered doesn't work",
  ]),
  signInHeading: 'Sign in',
  signInBody: 'your Google Account',
  signInUrlPrefix: 'https://accounts.google.com/',
  hostNotStarted: withApostropheVariants(['Waiting for the host to join']),
  lobby: withApostropheVariants([
    'Asking to be let in',
    "You'll join the call when someone lets you",
    'Please wait until a meeting host brings you',
    'Waiting for the host to let you in',
    "You're in the waiting room",
    'admits you to the call',
  ]),
  /** "Return to home screen" is NOT here: it is on every end page (Vexa #421 misread it as denial). */
  denied: withApostropheVariants([
    'Someone in the call denied your request to join',
    'denied your request',
    'Your request to join was denied',
    'You were denied',
    "weren't allowed to join",
  ]),
  noResponse: withApostropheVariants(['No one responded to your request to join the call']),
  removed: withApostropheVariants(["You've been removed from the meeting", "You've been removed"]),
  ended: withApostropheVariants([
    'The host ended the meeting for everyone',
    'The call ended',
    'Call ended',
    'Meeting ended',
  ]),
  left: withApostropheVariants(['You left the meeting']),
} as const;

/** Paths Meet shows when the bot is no longer in a call (home screen after "Return to home screen"). */
export const meetHomePaths: readonly string[] = ['/', '/landing'];

/**
 * Google's password sign-in for a signed-in bot (DESIGN §4: "or a signed-in Google account"). The sign-in wall's
 * URL prefix and copy are `meetTexts.signIn*` (peer-bots.md §6.1); the fields and their ids are the live
 * accounts.google.com page's (`#identifierId` and `Passwd`, each submitted with "Next"), as peer bots' Google
 * login flows fill them. The error copy is the live page's.
 */
export const meetSignIn = {
  /** Opened with `continue=<meeting URL>`; Google returns there once signed in. */
  serviceLoginUrl: 'https://accounts.google.com/ServiceLogin',
  continueParam: 'continue',
  emailInputs: ['input[type="email"]#identifierId', 'input[type="email"][name="identifier"]'],
  passwordInputs: ['input[type="password"][name="Passwd"]', 'input[type="password"]'],
  nextButtons: ['#identifierNext button', '#passwordNext button'],
  nextLabel: 'Next',
  refused: withApostropheVariants([
    "Couldn't find your Google Account",
    'Wrong password',
    'Enter a valid email or phone number',
    "This browser or app may not be secure",
  ]),
  /**
   * Google's challenges after the right password (2-Step Verification prompts and codes, "Verify it's you"): a bot
   * cannot answer them. Attendee avoids them with a SAML SSO profile of its own (providers.md §6).
   */
  secondStep: withApostropheVariants(['2-Step Verification', "Verify it's you"]),
  secondStepAdvice: 'use a dedicated Google Workspace account with 2-Step Verification off, then retry',
} as const;
