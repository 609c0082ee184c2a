import type { WebClientUi } from '../web-client/ui.js';
import { withApostropheVariants as v } from '../browser/presence.js';

/**
 * Webex web-app selectors and copy, as data. providers.md §5 gives the flow (Join from browser, guest
 * name and e-mail, lobby, guest CAPTCHA, sign-in-only sites) but peers publish no Webex strings, so these
 * follow the simulator and must be checked against a live site before relying on them.
 */
export const webexUi: WebClientUi = {
  name: 'webex',
  launcherButtons: ['button[data-test="join-browser"]', 'button:has-text("Join from browser")', 'button:has-text("Join from this browser")'],
  nameInputs: ['input#guest-name', 'input[aria-label="Your name"]', 'input[placeholder="Your name"]'],
  emailInputs: ['input#guest-email', 'input[type="email"][aria-label="Email address"]'],
  mediaOnToggles: ['button[data-test="mute-button"][aria-label="Mute"]', 'button[data-test="video-button"][aria-label="Stop video"]'],
  noMediaButtons: ['button:has-text("Continue without audio or video")'],
  joinButtons: ['button[data-test="join-button"]', 'button:has-text("Join meeting")'],
  signInLinks: ['[data-test="sign-in-link"]', '[data-test="sign-in-button"]', 'a:has-text("Sign in")'],
  signedInMarkers: ['[data-test="signed-in-user"]'],
  admissionSignals: [
    'button[aria-label^="Participants"]',
    'button[aria-label="Chat"]',
    'button[aria-label="Reactions"]',
    'button[aria-label="Raise hand"]',
  ],
  admissionQuorum: 2,
  leaveButtons: ['button[data-test="leave-button"]', 'button[aria-label="Leave meeting"]'],
  participantCount: 'button[aria-label^="Participants ("]',
  peopleButtons: ['button[data-test="participants-button"]', 'button[aria-label^="Participants"]'],
  rosterItems: '[data-test^="participant-"]',
  texts: {
    captcha: v(["Verify that you're not a robot", 'Enter the characters you see in the image']),
    signInRequired: v(['Sign in to join this meeting', 'The host requires attendees to sign in']),
    notFound: v(['This meeting link is not valid']),
    blocked: v(["You can't join this meeting"]),
    full: v(['This meeting is full', 'the meeting has reached the maximum number of participants']),
    denied: v(['The host declined your request to join']),
    noResponse: v(['Nobody let you into the meeting']),
    lobby: v(['Waiting for the host to let you in', 'The host will let you into the meeting soon']),
    approvalLobby: [],
    // No published Webex copy for a meeting that refuses guests until it starts; its lobby waits instead.
    notStarted: [],
    removed: v(['You have been removed from the meeting', "You've been removed from the meeting"]),
    ended: v(['The meeting has ended']),
    left: v(['You have left the meeting']),
  },
  login: {
    hosts: ['idbroker.webex.com'],
    emailInputs: ['input#IDToken1', 'input[name="IDToken1"]'],
    passwordInputs: ['input#IDToken2', 'input[name="IDToken2"][type="password"]'],
    submitButtons: ['#IDButton2', '#Button1', 'button[type="submit"]'],
    staySignedIn: { texts: [], yes: 'button:has-text("Yes")' },
    wrongPassword: v(['Incorrect password']),
    unknownAccount: v(['Enter a valid email address']),
    secondStep: {
      texts: v(['Enter verification code', 'Enter the verification code', 'Two-step verification', 'Multi-factor authentication']),
      identityProvider: 'Webex',
      advice: 'use a dedicated Webex account that signs in with its password alone (no multi-factor authentication for it), then retry',
    },
  },
  passcode: {
    // Webex links (`j.php?MTID=`, Personal Rooms) carry no password (providers.md §5); invites state it as text
    // ("Meeting password:"), which intake keeps as the MeetingRef's `passcode`: the bot types that one.
    fromLink: () => undefined,
    prompt: v(['Enter the meeting password', 'Enter meeting password']),
    inputs: ['input[data-test="meeting-password"]', 'input[aria-label="Meeting password"]', 'input[placeholder*="meeting password" i]'],
    submitButtons: ['button[data-test="meeting-password-submit"]'],
    rejected: v(['meeting password is incorrect', 'incorrect meeting password']),
    missing: 'Webex links do not carry the meeting password and the request stated none; send the invite with its "Meeting password:" line, or request the recording with the passcode',
  },
};
