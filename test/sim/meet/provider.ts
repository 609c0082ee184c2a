import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAccounts } from '../core/accounts.js';
import type { MeetingLookup, SimProvider } from '../core/types.js';
import { meetClientJs } from './client.js';
import { landingPage, notFoundPage, prejoinPage } from './pages.js';
import { meetPlan, meetScriptSchema } from './script.js';
import { googleAccountOf, googleSignInHost, serveGoogleSignIn } from './sign-in.js';

const host = 'meet.google.com';
const codePattern = /^\/([a-z]{3}-[a-z]{4}-[a-z]{3})$/;

/** Meet, with Google's sign-in on accounts.google.com for signed-in bots (accounts from `accounts`). */
export function meetProvider(accounts: SimAccounts): SimProvider {
  return {
    id: 'meet',
    hosts: [host, googleSignInHost],
    parseScript(raw: unknown) {
      const script = meetScriptSchema.parse(raw ?? {});
      return { script, plan: meetPlan(script) };
    },
    newCode(taken) {
      for (;;) {
        const code = [3, 4, 3].map(letters).join('-');
        if (!taken(code)) return code;
      }
    },
    joinUrl(code) {
      return `https://${host}/${code}`;
    },
    serve(req, res, url, meetings) {
      if (url.hostname === googleSignInHost) {
        serveGoogleSignIn(req, res, url, accounts).catch(() => res.writeHead(500).end());
        return;
      }
      serveMeet(req, res, url, meetings, accounts);
    },
    recognizesBot: (req) => googleAccountOf(req, accounts) !== undefined,
  };
}

function serveMeet(req: IncomingMessage, res: ServerResponse, url: URL, meetings: MeetingLookup, accounts: SimAccounts): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  if (url.pathname === '/_sim/meet/client.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(meetClientJs);
    return;
  }
  if (url.pathname === '/' || url.pathname === '/landing') {
    html(res, landingPage());
    return;
  }
  const code = codePattern.exec(url.pathname)?.[1];
  const meeting = code === undefined ? undefined : meetings.openedByBot('meet', code);
  if (!code || !meeting) {
    // Meet answers an unknown code with a 200 page, not an HTTP error.
    html(res, notFoundPage());
    return;
  }
  const { prejoin, apostrophes, guests, lobbyCallControls } = meetScriptSchema.parse(meeting.script);
  const account = googleAccountOf(req, accounts);
  const meetingUrl = `https://${host}/${code}`;
  if (account) {
    meetings.note?.('meet', code, 'bot_signed_in', account.email);
  } else if (guests === 'sign_in_required') {
    // Signed-out visitors of a meeting that only admits Google accounts are sent to Google's sign-in page.
    meetings.note?.('meet', code, 'sign_in_wall');
    res.writeHead(302, { location: googleSignInUrl(meetingUrl), 'cache-control': 'no-store' }).end();
    return;
  }
  const signedIn = account ? { name: account.displayName, email: account.email } : undefined;
  const look = { ...prejoin, apostrophes, lobbyCallControls };
  html(res, prejoinPage(code, look, { signedIn, signInHref: googleSignInUrl(meetingUrl) }));
}

function googleSignInUrl(continueUrl: string): string {
  return `https://${googleSignInHost}/ServiceLogin?continue=${encodeURIComponent(continueUrl)}`;
}

function letters(count: number): string {
  let out = '';
  for (let i = 0; i < count; i += 1) out += String.fromCharCode(97 + randomInt(26));
  return out;
}

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
}
