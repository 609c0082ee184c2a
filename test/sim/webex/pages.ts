import type { PrejoinOptions } from '../core/web-provider.js';
import { escapeHtml, webAppPage } from '../core/web-app.js';
import type { WebAppCopy } from '../core/web-app.js';
import type { ParsedWebMeetingScript } from '../core/web-script.js';
import { passcodeGate } from '../teams/passcode-gate.js';
import { passwordOf } from './script.js';
import type { ParsedWebexScript } from './script.js';

/**
 * Webex's pages. providers.md §5 documents the flow (Join from browser, guest name and e-mail, lobby,
 * CAPTCHA for guests, sign-in-only sites) but no exact strings: the copy here is the simulator's own
 * rendering of those steps, and the adapter's selectors.ts names the same strings.
 */
const style = `
body { font-family: Inter, 'Helvetica Neue', sans-serif; margin: 0; background: #111; color: #fff; }
main { padding: 24px; }
button, a.button { cursor: pointer; margin: 4px; padding: 8px 16px; border-radius: 20px; border: 0; display: inline-block; background: #1170cf; color: #fff; }
button:disabled { opacity: 0.4; cursor: default; }
[data-sim-overlay] { position: fixed; inset: 0; background: rgba(0,0,0,0.6); display: flex; align-items: center; justify-content: center; z-index: 10; }
[data-sim-overlay] > div { background: #fff; color: #111; padding: 24px; border-radius: 8px; max-width: 420px; }
`;

const page = (body: string, extra: Partial<Parameters<typeof webAppPage>[0]> = {}): string =>
  webAppPage({ title: 'Webex', style, body, ...extra });

export function launcherPage(prejoinHref: string): string {
  return page(`<h1>Join your Webex meeting</h1>
<button type="button" data-test="join-app">Open the Webex app</button>
<button type="button" data-test="join-browser" onclick="location.href='${escapeHtml(prejoinHref)}'">Join from browser</button>`);
}

export function notFoundPage(): string {
  return page(`<h1>This meeting link is not valid</h1><p>Check the link or contact the meeting host.</p>`);
}

export function captchaPage(signInHref: string): string {
  return page(`<h1>Verify that you're not a robot</h1>
<p>Enter the characters you see in the image.</p>
<div role="img" aria-label="Captcha image" style="width:200px;height:60px;background:#888"></div>
<input type="text" aria-label="Captcha characters"><button type="button" disabled>Continue</button>
<a class="button" href="${escapeHtml(signInHref)}">Sign in</a>`);
}

export function signInWallPage(signInHref: string): string {
  return page(`<h1>Sign in to join this meeting</h1><p>The host requires attendees to sign in before joining.</p>
<a class="button" href="${escapeHtml(signInHref)}" data-test="sign-in-button">Sign in</a>`);
}

/** The meeting password prompt of a password-protected meeting; the error is the simulator's own words too. */
const passwordPrompt = `<h2>Enter the meeting password</h2>
<p data-sim-passcode-error role="alert" hidden>The meeting password is incorrect. Try again.</p>
<input type="password" data-sim-passcode data-test="meeting-password" aria-label="Meeting password" placeholder="Meeting password">
<button type="button" data-sim-passcode-submit data-test="meeting-password-submit">OK</button>`;

export function prejoinPage(options: PrejoinOptions, script: ParsedWebexScript): string {
  const who = options.account
    ? `<p data-test="signed-in-user">Signed in as ${escapeHtml(options.account)}</p>`
    : `<input type="text" id="guest-name" data-sim-name aria-label="Your name" placeholder="Your name">
<input type="email" id="guest-email" data-sim-email aria-label="Email address" placeholder="Email address">
<p>Have an account? <a class="button" href="${escapeHtml(options.signInHref)}" data-test="sign-in-link">Sign in</a></p>`;
  const prompt = options.avPrompt
    ? `<div data-sim-overlay role="dialog" aria-modal="true"><div><h2>Your browser is blocking your microphone and camera</h2>
<button type="button" data-sim-action="media-off">Continue without audio or video</button></div></div>`
    : '';
  const body = `<div id="prejoin"><h2>Enter your info to join</h2>${who}
<button type="button" data-test="mute-button" data-sim-action="toggle" aria-checked="true" aria-label="Mute" data-label-on="Mute" data-label-off="Unmute">Audio</button>
<button type="button" data-test="video-button" data-sim-action="toggle" aria-checked="true" aria-label="Stop video" data-label-on="Stop video" data-label-off="Start video">Video</button>
<button type="button" data-test="join-button" data-sim-action="join" disabled>Join meeting</button></div>${prompt}`;
  const dataset: Record<string, string> = { 'meeting-code': options.code };
  if (options.account) dataset['account'] = options.account;
  const expected = passwordOf(script, options.code);
  const gated = expected === undefined ? body : passcodeGate({ expected, prompt: passwordPrompt }, body);
  return page(gated, { copy: webexCopy(script), dataset });
}

const leave = `<button type="button" data-test="leave-button" aria-label="Leave meeting" data-sim-action="leave">Leave</button>`;
const endPage = (title: string, text = ''): string => `<h1>${title}</h1>${text ? `<p>${text}</p>` : ''}<button type="button" data-sim-action="home">OK</button>`;

export function webexCopy(_script: ParsedWebMeetingScript): WebAppCopy {
  return {
    views: {
      lobby: `<div id="lobby"><h2>Waiting for the host to let you in</h2><p>The host will let you into the meeting soon.</p>
<button type="button" data-test="mute-button" aria-label="Unmute">Audio</button>${leave}</div>`,
      in_meeting: `<div role="toolbar" aria-label="Meeting controls">
<button type="button" data-test="participants-button" aria-label="Participants" aria-expanded="false" data-sim-count data-sim-action="roster">Participants</button>
<button type="button" data-test="chat-button" aria-label="Chat">Chat</button>
<button type="button" data-test="reactions-button" aria-label="Reactions">Reactions</button>
<button type="button" data-test="raise-hand-button" aria-label="Raise hand">Raise hand</button>
${leave}</div><div data-sim-panel></div>`,
      denied: endPage('The host declined your request to join the meeting'),
      blocked: endPage("You can't join this meeting", 'Webex could not connect you to this meeting.'),
      full: endPage('This meeting is full', 'Try again later: the meeting has reached the maximum number of participants.'),
      no_response: endPage('Nobody let you into the meeting', 'Try joining again later.'),
      removed: endPage('You have been removed from the meeting', 'The host removed you.'),
      ended: endPage('The meeting has ended', 'The host ended the meeting.'),
      left: endPage('You have left the meeting'),
    },
    countTemplate: 'Participants ({n})',
    rosterItemAttribute: 'data-test="participant-{id}"',
    // Like Teams' People panel, the web app's participants list renders only once the Participants button opens
    // it (providers.md §5 names no markup; the simulator's own, matching the adapter's selectors.ts).
    rosterPanel: `<aside aria-label="Participants panel"><div role="list" aria-label="Participants list" data-sim-roster></div></aside>`,
  };
}
