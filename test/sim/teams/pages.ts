import type { PrejoinOptions } from '../core/web-provider.js';
import { escapeHtml, webAppPage } from '../core/web-app.js';
import type { WebAppCopy } from '../core/web-app.js';
import type { ParsedWebMeetingScript } from '../core/web-script.js';
import { passcodeGate } from './passcode-gate.js';
import { teamsPasscode } from './script.js';
import type { ParsedTeamsScript } from './script.js';

/** Teams' pages. Copy and data-tid hooks follow reference/peer-bots.md §6.2 and providers.md §4.3. */

const style = `
body { font-family: 'Segoe UI', sans-serif; margin: 0; background: #1f1f1f; color: #fff; }
main { padding: 24px; }
button, [role="switch"], a.button { cursor: pointer; margin: 4px; padding: 8px 16px; border-radius: 4px; border: 0; display: inline-block; min-width: 24px; min-height: 16px; background: #5b5fc7; color: #fff; }
button:disabled { opacity: 0.4; cursor: default; }
[data-sim-overlay] { position: fixed; inset: 0; background: rgba(0,0,0,0.6); display: flex; align-items: center; justify-content: center; z-index: 10; }
[data-sim-overlay] > div { background: #fff; color: #111; padding: 24px; border-radius: 8px; max-width: 420px; }
#call-controls { position: fixed; top: 0; right: 0; padding: 8px; }
`;

const page = (body: string, extra: Partial<Parameters<typeof webAppPage>[0]> = {}): string =>
  webAppPage({ title: 'Microsoft Teams', style, body, ...extra });

/** "Continue on this browser" keeps the link's query, the passcode `p` with it, as Teams' client-side routing does. */
export function launcherPage(prejoinHref: string): string {
  return page(`<h1>How do you want to join your Teams meeting?</h1>
<button type="button" data-tid="joinOnWeb" onclick="location.href='${escapeHtml(prejoinHref)}' + location.search">Continue on this browser</button>
<button type="button" data-tid="joinInApp">Join on the Teams app</button>`);
}

export function notFoundPage(): string {
  return page(`<h1>Looks like the meeting URL is incorrect. Please check the URL and try again.</h1>`);
}

export function captchaPage(signInHref: string): string {
  return page(`<h1>Verify you're a real person</h1>
<p>Type the characters you see in the picture.</p>
<div role="img" aria-label="CAPTCHA" style="width:200px;height:60px;background:#888"></div>
<input type="text" aria-label="Enter the characters" placeholder="Enter the characters">
<button type="button" disabled>Submit</button>
<a class="button" href="${escapeHtml(signInHref)}">Sign in</a>`);
}

/**
 * Teams routes to the sign-in page in script, some time after the click: the wall stays on screen meanwhile,
 * and a bot must not read it as the answer to its click.
 */
const slowRoute = "event.preventDefault(); var to = this.href; setTimeout(function () { location.href = to; }, 800);";

export function signInWallPage(signInHref: string): string {
  return page(`<h1>Due to org policy, you need to sign in or use Teams on the web to join this meeting.</h1>
<a class="button" href="${escapeHtml(signInHref)}" data-tid="signin-button" onclick="${slowRoute}">Sign in</a>`);
}

/**
 * What external participants see when they open a Teams event before it starts (peer-bots.md §6.2, Attendee's
 * `look_for_sign_in_required_element`; Recall's `microsoft_teams_event_not_started_for_external`, §1.1). The page
 * never changes by itself: only opening the link again after the start gets the pre-join page.
 */
export function eventNotStartedPage(): string {
  return page(`<h1>External participants are not permitted to join before the event begins.</h1>
<p>Please join after the event has started.</p>`);
}

/**
 * Teams asks for the meeting passcode when the link does not carry it (`/meet/<id>` without `p`, providers.md §4.4).
 * No peer bot publishes the prompt's markup; the field's label and the error follow Teams' own words.
 */
const passcodePrompt = `<h2>Enter meeting passcode</h2>
<p data-sim-passcode-error role="alert" hidden>This passcode is incorrect. Check the passcode and try again.</p>
<input type="text" data-sim-passcode aria-label="Meeting passcode" placeholder="Meeting passcode" autocomplete="off">
<button type="button" data-sim-passcode-submit>Join meeting</button>`;

export function prejoinPage(options: PrejoinOptions, script: ParsedTeamsScript): string {
  const who = options.account
    ? `<p data-tid="prejoin-account">Signed in as ${escapeHtml(options.account)}</p>`
    : `<input type="text" data-tid="prejoin-display-name-input" data-sim-name placeholder="Type your name" maxlength="100" autocomplete="off">
<p>Have an account? <a class="button" href="${escapeHtml(options.signInHref)}" data-tid="prejoin-signin-link">Sign in</a></p>`;
  const prompt = options.avPrompt
    ? `<div data-sim-overlay role="dialog" aria-modal="true"><div><h2>Are you sure you don't want audio or video?</h2>
<p>Others won't be able to see or hear you.</p>
<button type="button" data-sim-action="media-off">Continue without audio or video</button></div></div>`
    : '';
  const body = `<div id="prejoin"><h2>Choose your video and audio options</h2>${who}
<div role="switch" tabindex="0" data-tid="toggle-video" data-sim-action="toggle" aria-checked="true" aria-label="Turn camera off" data-label-on="Turn camera off" data-label-off="Turn camera on"></div>
<div role="switch" tabindex="0" data-tid="toggle-mute" data-sim-action="toggle" aria-checked="true" aria-label="Mute microphone" data-label-on="Mute microphone" data-label-off="Unmute microphone"></div>
<button type="button" data-tid="prejoin-join-button" data-sim-action="join" disabled>Join now</button></div>${prompt}`;
  const gated = script.passcode === 'off'
    ? body
    : passcodeGate({ expected: teamsPasscode(options.code), prompt: passcodePrompt, ...(script.passcode === 'link' ? { linkParam: 'p' } : {}) }, body);
  const dataset: Record<string, string> = { 'meeting-code': options.code };
  if (options.account) dataset['account'] = options.account;
  return page(gated, { copy: teamsCopy(script), dataset });
}

const hangup = `<button type="button" id="hangup-button" data-tid="hangup-main-btn" aria-label="Leave" data-sim-action="leave">Leave</button>`;
const endPage = (title: string, text = ''): string => `<h1>${title}</h1>${text ? `<p>${text}</p>` : ''}<button type="button" data-sim-action="home">Dismiss</button>`;

export function teamsCopy(script: ParsedWebMeetingScript): WebAppCopy {
  const lobbyText = script.lobbyKind === 'bot_approval'
    ? `<h2>Your request to join has been sent</h2><p>The organizer needs to approve bots and other automated attendees before they can join.</p>`
    : `<h2>Someone will let you in shortly</h2><p>Hi there! We've let people in the meeting know you're waiting.</p>`;
  return {
    views: {
      lobby: `<div id="lobby">${lobbyText}<div role="switch" data-tid="toggle-mute" data-sim-action="toggle" aria-checked="false" aria-label="Unmute microphone" data-label-on="Mute microphone" data-label-off="Unmute microphone"></div>${hangup}</div>`,
      in_meeting: `<div id="call-controls" role="toolbar" aria-label="Meeting controls">
<button type="button" id="chat-button" aria-label="Chat">Chat</button>
<button type="button" id="roster-button" data-tid="roster-button" aria-label="People" aria-expanded="false" data-sim-action="roster">People <span data-sim-count>1</span></button>
<button type="button" id="raisehands-button" aria-label="Raise">Raise</button>
<button type="button" id="reaction-menu-button" aria-label="React">React</button>
<button type="button" id="callingButtons-showMoreBtn" aria-label="More">More</button>
${hangup}</div><div data-sim-panel></div>`,
      denied: endPage('Sorry, but you were denied access to the meeting.'),
      blocked: endPage("Sorry, we couldn't connect you", 'Please try again later.'),
      full: endPage('This meeting is full', 'The meeting has reached its capacity. Try again later or contact the organizer.'),
      no_response: endPage('Sorry, but no one responded to your request to join this meeting.'),
      removed: endPage("You've been removed from this meeting", 'Someone in the meeting removed you.'),
      ended: endPage('Meeting ended', 'The organizer ended the meeting for everyone.'),
      left: endPage('You have left the meeting'),
    },
    countTemplate: '{n}',
    rosterItemAttribute: 'data-tid="participantsInCall-{id}"',
    // Teams' roster rows carry the display name in a titled span (peer-bots.md §6.2: `[data-tid^="participantsInCall-"] span[title]`).
    rosterNameTitle: true,
    // The People panel renders only once opened with the People button (peer-bots.md §6.2: `[aria-label="People"]`
    // → `[role="tree"]`), and its list is gone again when the panel is closed.
    rosterPanel: `<aside aria-label="Participants"><h2>Participants</h2><div role="tree" aria-label="Attendees" data-sim-roster></div></aside>`,
  };
}
