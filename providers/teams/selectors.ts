import type { WebClientUi } from '../web-client/ui.js';
import { withApostropheVariants as v } from '../browser/presence.js';

/**
 * Microsoft Teams selectors and copy, as data. Sources: reference/peer-bots.md §6.2 (Attendee, Vexa,
 * ScreenApp, Meeting BaaS, meetingbot, Recall's sample bot) and providers.md §4.2–4.3.
 */
export const teamsUi: WebClientUi = {
  name: 'teams',
  launcherButtons: [
    'button[data-tid="joinOnWeb"]',
    'button[aria-label="Continue on this browser"]',
    'button[aria-label="Join meeting from this browser"]',
    'button:has-text("Continue on this browser")',
    'button:has-text("Join on the web instead")',
  ],
  nameInputs: ['input[data-tid="prejoin-display-name-input"]', 'input[placeholder="Type your name"]'],
  emailInputs: [],
  mediaOnToggles: [
    '[data-tid="toggle-mute"][aria-checked="true"]',
    '[data-tid="toggle-video"][aria-checked="true"]',
    'input[data-tid="toggle-mute"]:checked',
    'input[data-tid="toggle-video"]:checked',
  ],
  noMediaButtons: ['button:has-text("Continue without audio or video")', 'button[aria-label="Continue without audio or video"]'],
  joinButtons: ['button[data-tid="prejoin-join-button"]', 'button:has-text("Join now")'],
  signInLinks: ['[data-tid="prejoin-signin-link"]', '[data-tid="signin-button"]', 'a:has-text("Sign in")', 'button:has-text("Sign in")'],
  signedInMarkers: ['[data-tid="prejoin-account"]'],
  // Meeting BaaS counts >= 3 of these; the hang-up button is left out because the lobby renders it too.
  admissionSignals: [
    '[data-tid="roster-button"]',
    '#chat-button, button[aria-label*="chat" i], button[title*="chat" i]',
    '#raisehands-button',
    '#reaction-menu-button, button[aria-label="React"]',
    '#callingButtons-showMoreBtn',
  ],
  admissionQuorum: 3,
  leaveButtons: ['#hangup-button', '[data-inp="hangup-button"]', 'button[data-tid="hangup-main-btn"]', 'button[aria-label^="Leave"]'],
  participantCount: '[data-tid="roster-button"]',
  // peer-bots.md §6.2: `[aria-label="People"]` → `[role="tree"]` → rows; the roster button is the same control.
  peopleButtons: ['[data-tid="roster-button"]', '#roster-button', 'button[aria-label="People"]'],
  rosterItems: '[data-tid^="participantsInCall-"]',
  rosterItemNames: ['span[title]'],
  texts: {
    captcha: v(["Verify you're a real person"]),
    signInRequired: v([
      'We need to verify your info before you can join',
      'To join, sign in or use Teams on the web',
      'You need to be signed in to Teams to access this meeting',
      'Sign in to Teams to join, or contact the meeting organizer',
      'To join this Teams meeting, you need to be signed in to an account',
      'To join this meeting, sign in again or select another account',
      'Due to org policy, you need to sign in or use Teams on the web to join this meeting',
    ]),
    // Attendee lists it with the sign-in walls, but signing in does not help (the bot account is in another
    // tenant): the event opens to external participants at its start (peer-bots.md §1.1, §6.2).
    notStarted: v(['External participants are not permitted to join before the event begins']),
    notFound: v(['Looks like the meeting URL is incorrect']),
    blocked: v(["we couldn't connect you"]),
    // No peer bot publishes Teams' capacity page (peer-bots.md §6.2); Teams' own wording for a full meeting.
    full: v(['This meeting is full', 'The meeting has reached its capacity']),
    denied: v(['but you were denied access to the meeting', 'Your request to join was declined']),
    noResponse: v(['no one responded to your request to join']),
    lobby: v([
      'Someone will let you in soon',
      'Someone will let you in shortly',
      "You're in the lobby",
      'Waiting for someone to let you in',
      'Please wait until someone admits you',
      'Wait for someone to admit you',
      'Waiting to be admitted',
    ]),
    approvalLobby: v(['Your request to join has been sent', 'needs to approve bots']),
    removed: v(["You've been removed from this meeting", 'You have been removed from this meeting', 'Removed from meeting']),
    ended: v(['Meeting ended', 'Call ended', 'The meeting has ended']),
    left: v(['You have left the meeting', 'You left the meeting']),
  },
  login: {
    hosts: ['login.microsoftonline.com', 'login.live.com', 'login.microsoftonline.us'],
    emailInputs: ['input[name="loginfmt"][type="email"]'],
    passwordInputs: ['input[name="passwd"][type="password"]'],
    submitButtons: ['#idSIButton9'],
    staySignedIn: { texts: ['Stay signed in?'], yes: '#idSIButton9' },
    wrongPassword: v(['Your account or password is incorrect']),
    unknownAccount: v(['This username may be incorrect', "We couldn't find an account with that username"]),
    // Microsoft's MFA pages after the password: Authenticator approval, a texted or app code, the method picker,
    // and the registration that security defaults or a new MFA policy send an account to.
    secondStep: {
      texts: v([
        'Approve sign in request',
        'Approve sign-in request',
        'Enter code',
        'Verify your identity',
        'More information required',
        "Let's keep your account secure",
        'Your organization needs more information to keep your account secure',
      ]),
      identityProvider: 'Microsoft',
      advice: 'use a dedicated Microsoft 365 account that signs in with its password alone (MFA off for it: security defaults off in its tenant and no Conditional Access policy requiring MFA of it), then retry',
    },
  },
  passcode: {
    // Only the short `/meet/<id>?p=<passcode>` form carries one (providers.md §4.4); meetup-join links need none.
    // Without `p`, the bot types the invite's "Passcode:" (the MeetingRef's `passcode`).
    // No peer bot publishes this prompt: the label and error follow Teams' own words; check them on a live page.
    fromLink: (url) => url.searchParams.get('p') || undefined,
    prompt: v(['Enter meeting passcode']),
    inputs: ['input[aria-label="Meeting passcode"]', 'input[placeholder="Meeting passcode"]', 'input[aria-label*="passcode" i]', 'input[placeholder*="passcode" i]'],
    submitButtons: ['button:has-text("Join meeting")', 'button[aria-label="Join meeting"]'],
    rejected: v(['passcode is incorrect', 'incorrect passcode', "passcode isn't right"]),
    missing: 'the meeting link has no passcode (the `?p=` of a teams.microsoft.com/meet/<id> link) and the request stated none; ask the organizer for the full join link, or request the recording with the passcode',
  },
};
