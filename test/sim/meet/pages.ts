/** Meet's server-rendered pages. UI copy follows reference/peer-bots.md §6.1; the client script does the rest. */

const style = `
body { font-family: Roboto, Arial, sans-serif; margin: 0; background: #202124; color: #e8eaed; }
main { padding: 24px; }
button, div[role="button"] { cursor: pointer; margin: 4px; padding: 8px 16px; border-radius: 20px; border: 0; }
button:disabled { opacity: 0.4; cursor: default; }
div[role="button"] { display: inline-block; background: #3c4043; color: #fff; }
.overlay { position: fixed; inset: 0; background: rgba(0,0,0,0.6); display: flex; align-items: center; justify-content: center; z-index: 10; }
div[role="dialog"] { background: #fff; color: #202124; padding: 24px; border-radius: 8px; max-width: 420px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; }
.tile { width: 200px; height: 120px; background: #3c4043; border-radius: 8px; display: flex; align-items: end; padding: 8px; }
div[role="region"] { position: fixed; bottom: 0; left: 0; right: 0; padding: 12px; background: #202124; text-align: center; }
`;

function page(title: string, body: string, dataset: Record<string, string> = {}): string {
  const attrs = Object.entries(dataset)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${style}</style></head>
<body${attrs}><main id="app">${body}</main><script src="/_sim/meet/client.js"></script></body></html>`;
}

export interface PrejoinAccount {
  /** The signed-in Google account; absent for a visitor who is not signed in. */
  signedIn: { name: string; email: string } | undefined;
  /** Google's sign-in page, returning to this meeting. */
  signInHref: string;
}

/** How this meeting's pages look: the scripted UI variants the pre-join page and the client script render. */
export interface MeetLook {
  deviceDialog: boolean;
  joinButton: string;
  apostrophes: string;
  lobbyCallControls: boolean;
}

export function prejoinPage(code: string, look: MeetLook, who?: PrejoinAccount): string {
  const { deviceDialog, joinButton, apostrophes } = look;
  const dialog = deviceDialog
    ? `<div class="overlay" id="device-dialog"><div role="dialog" aria-modal="true" aria-labelledby="dd-title">
<h2 id="dd-title">Do you want people to hear you in the meeting?</h2>
<p>You can still turn off your microphone and camera anytime in the meeting.</p>
<button type="button" data-action="continue-without-devices"><span>Continue without microphone and camera</span></button>
</div></div>`
    : '';
  // Signed in, Meet knows the name and shows the account instead of the name field; an org member joins directly.
  const panel = who?.signedIn
    ? `<h2>Ready to join?</h2>
<div class="account">${escapeHtml(who.signedIn.email)}</div>
<button type="button" id="join-button"><span>Join now</span></button>`
    : `<h2>What's your name?</h2>
<input type="text" aria-label="Your name" placeholder="Your name" maxlength="60" autocomplete="off">
<button type="button" id="join-button" disabled><span>${escapeHtml(joinButton)}</span></button>`;
  const signIn = who && !who.signedIn ? `<header><a href="${escapeHtml(who.signInHref)}">Sign in</a></header>\n` : '';
  const body = `${signIn}<div id="prejoin">
<div class="preview">
<div role="button" tabindex="0" data-toggle="microphone" aria-label="Turn off microphone"></div>
<div role="button" tabindex="0" data-toggle="camera" aria-label="Turn off camera"></div>
</div>
<div class="join-panel">
${panel}
<button type="button" data-action="other-ways"><span>Other ways to join</span></button>
</div>
</div>${dialog}`;
  const account: Record<string, string> = who?.signedIn ? { 'account-name': who.signedIn.name } : {};
  const lobby: Record<string, string> = look.lobbyCallControls ? { 'lobby-controls': 'call' } : {};
  return page('Meet', body, { 'meeting-code': code, apostrophes, ...lobby, ...account });
}

export function notFoundPage(): string {
  return page(
    'Meet',
    `<h1>Check your meeting code</h1>
<p>Make sure you entered the correct meeting code in the URL, for example: https://meet.google.com/xxx-yyyy-zzz</p>
<button type="button" data-action="home"><span>Return to home screen</span></button>`,
  );
}

export function landingPage(): string {
  return page(
    'Google Meet',
    `<h1>Video calls and meetings for everyone</h1>
<button type="button"><span>New meeting</span></button>
<input type="text" aria-label="Enter a code or link" placeholder="Enter a code or link">`,
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
