/**
 * The shape of a meeting web app as data: Teams and Webex differ in copy and markup but not in the steps
 * (interstitial, pre-join, gates, lobby, call, sign-in). The shared join loop reads only this.
 * Texts match case-insensitively as substrings of the visible text; selectors are CSS.
 */
export interface WebClientUi {
  /** Label for logs. */
  name: string;
  launcherButtons: readonly string[];
  nameInputs: readonly string[];
  /** Some guest forms also ask for an e-mail address (Webex). */
  emailInputs: readonly string[];
  /** Camera and microphone controls while they are ON; clicking each turns it off. */
  mediaOnToggles: readonly string[];
  /** "Continue without audio or video" and the like: dismisses the no-devices prompt. */
  noMediaButtons: readonly string[];
  joinButtons: readonly string[];
  /** Links on meeting pages that start the identity provider's sign-in. */
  signInLinks: readonly string[];
  /** Present on the pre-join page when the browser is signed in. */
  signedInMarkers: readonly string[];
  /** In-meeting controls; admission needs `admissionQuorum` of them (never the hang-up, lobbies show it). */
  admissionSignals: readonly string[];
  admissionQuorum: number;
  leaveButtons: readonly string[];
  /** Element whose aria-label or text holds the number of people in the call, the bot included. */
  participantCount: string;
  /**
   * The People/Participants button that opens the roster panel: the real clients render the roster only while it
   * is open (peer-bots.md §6.2 "People → tree"). The bot opens it after admission, and again if it was closed.
   */
  peopleButtons: readonly string[];
  /** Roster rows; present only while the panel is open, and always listing the bot itself. */
  rosterItems: string;
  /** Where a roster item shows its display name (the element's title, else its text); absent or none found: the item's aria-label, else its text. */
  rosterItemNames?: readonly string[];
  texts: {
    captcha: readonly string[];
    signInRequired: readonly string[];
    notFound: readonly string[];
    blocked: readonly string[];
    /** The meeting is at capacity and turns new participants away. */
    full: readonly string[];
    denied: readonly string[];
    noResponse: readonly string[];
    lobby: readonly string[];
    /** Lobbies that wait for the organizer's approval of a detected bot (Teams, 2026). */
    approvalLobby: readonly string[];
    /**
     * The meeting refuses the bot until it starts and the page does not move on by itself (Teams events and
     * external participants): the bot opens the link again now and then, and ends `meeting_not_started`.
     */
    notStarted: readonly string[];
    removed: readonly string[];
    ended: readonly string[];
    left: readonly string[];
  };
  login: LoginUi;
  passcode: PasscodeUi;
}

/**
 * The meeting's own passcode prompt (Teams "Enter meeting passcode", Webex "Enter the meeting password"), asked
 * when the link does not carry the passcode or carries a wrong one.
 */
export interface PasscodeUi {
  /** The passcode the meeting link carries, where the provider puts one; undefined when it has none. */
  fromLink(url: URL): string | undefined;
  /** The prompt's heading copy, for a prompt whose field the selectors miss. */
  prompt: readonly string[];
  inputs: readonly string[];
  submitButtons: readonly string[];
  /** The page says the passcode given (typed, or the link's) is wrong. */
  rejected: readonly string[];
  /** For the requester when the meeting asks and Quorum has no passcode: where it would come from. */
  missing: string;
}

/** The identity provider's password sign-in pages. */
export interface LoginUi {
  hosts: readonly string[];
  emailInputs: readonly string[];
  passwordInputs: readonly string[];
  /** "Next" after the e-mail, "Sign in" after the password: first visible wins. */
  submitButtons: readonly string[];
  /** "Stay signed in?": answered yes, so the stored state outlives the browser session. */
  staySignedIn: { texts: readonly string[]; yes: string };
  wrongPassword: readonly string[];
  unknownAccount: readonly string[];
  /**
   * A second sign-in step after the right password (an authenticator prompt, a one-time code, MFA registration):
   * a bot cannot answer it, so the account must be one that signs in with a password alone.
   */
  secondStep: { texts: readonly string[]; identityProvider: string; advice: string };
}

