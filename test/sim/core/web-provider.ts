import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAccounts } from './accounts.js';
import type { MeetingLookup, RoomPlan, SimProvider, SimProviderId } from './types.js';

/** What an anonymous visitor meets instead of the pre-join page. */
export type WebGate = 'none' | 'captcha' | 'sign_in_required';

export interface WebMeetingScript {
  launcher: boolean;
  avPrompt: boolean;
  gate: WebGate;
}

export interface PrejoinOptions {
  code: string;
  /** Display name of the signed-in account; undefined for an anonymous guest. */
  account: string | undefined;
  avPrompt: boolean;
  signInHref: string;
}

/** The provider-specific part of a simulated meeting web app: hosts, links, markup and its sign-in flow. */
export interface WebProviderSpec<Script extends WebMeetingScript> {
  id: SimProviderId;
  /** Hosts serving meetings; the first is the one join links use. */
  meetingHosts: readonly string[];
  signInHost: string;
  cookieName: string;
  parseScript(raw: unknown): Script;
  plan(script: Script): RoomPlan;
  newCode(taken: (code: string) => boolean): string;
  joinUrl(code: string): string;
  /** The meeting code of a meeting link's path and query, if it is one. */
  codeOf(url: URL): string | undefined;
  /** The identity provider's first page, returning to `returnUrl` once signed in. */
  signInUrl(returnUrl: string): string;
  pages: {
    launcher(prejoinHref: string): string;
    notFound(): string;
    captcha(signInHref: string): string;
    signInWall(signInHref: string): string;
    /** The pre-join page; it carries the views of `script` for the shared web-app client. */
    prejoin(options: PrejoinOptions, script: Script): string;
  };
  /** Serves the identity provider's pages (on `signInHost`), verifying against `accounts`. */
  serveSignIn(req: IncomingMessage, res: ServerResponse, url: URL, accounts: SimAccounts): Promise<void>;
}

/**
 * A simulated provider built from a spec: the landing link, the launcher, the gates an anonymous guest
 * meets (CAPTCHA, sign-in wall), the pre-join page (signed in or not) and the session cookie hand-off
 * from the identity provider. Views after "Join" come from the shared web-app client and the room.
 */
export function webProvider<Script extends WebMeetingScript>(spec: WebProviderSpec<Script>, accounts: SimAccounts): SimProvider {
  const prejoinPath = (code: string) => `/_sim/${spec.id}/prejoin/${encodeURIComponent(code)}`;
  const prejoin = (req: IncomingMessage, res: ServerResponse, url: URL, meetings: MeetingLookup, code: string): void => {
    const raw = meetings.scriptOf?.(spec.id, code);
    if (raw === undefined) return html(res, spec.pages.notFound());
    const script = spec.parseScript(raw);
    const account = accounts.signedIn(spec.id, req, spec.cookieName);
    const signInHref = spec.signInUrl(`https://${url.host}${prejoinPath(code)}`);
    if (account) {
      meetings.note?.(spec.id, code, 'bot_signed_in', account.email);
    } else if (script.gate === 'captcha') {
      meetings.note?.(spec.id, code, 'captcha');
      return html(res, spec.pages.captcha(signInHref));
    } else if (script.gate === 'sign_in_required') {
      meetings.note?.(spec.id, code, 'sign_in_wall');
      return html(res, spec.pages.signInWall(signInHref));
    }
    html(res, spec.pages.prejoin({ code, account: account?.displayName, avPrompt: script.avPrompt, signInHref }, script));
  };
  return {
    id: spec.id,
    hosts: [...spec.meetingHosts, spec.signInHost],
    parseScript(raw: unknown) {
      const script = spec.parseScript(raw ?? {});
      return { script, plan: spec.plan(script) };
    },
    newCode: (taken) => spec.newCode(taken),
    joinUrl: (code) => spec.joinUrl(code),
    serve(req, res, url, meetings) {
      if (url.hostname === spec.signInHost) {
        spec.serveSignIn(req, res, url, accounts).catch(() => res.writeHead(500).end());
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
      if (url.pathname === '/_sim/auth') return signedInRedirect(res, url, spec.cookieName);
      const prejoinCode = url.pathname.startsWith(prejoinPath('')) ? decodeURIComponent(url.pathname.slice(prejoinPath('').length)) : undefined;
      if (prejoinCode !== undefined) return prejoin(req, res, url, meetings, prejoinCode);
      const code = spec.codeOf(url);
      const meeting = code === undefined ? undefined : meetings.openedByBot(spec.id, code);
      if (code === undefined || !meeting) return html(res, spec.pages.notFound());
      if (spec.parseScript(meeting.script).launcher) return html(res, spec.pages.launcher(prejoinPath(code)));
      prejoin(req, res, url, meetings, code);
    },
  };
}

/** The identity provider hands the session to the meeting host, which keeps it in its own cookie. */
function signedInRedirect(res: ServerResponse, url: URL, cookieName: string): void {
  const token = url.searchParams.get('token') ?? '';
  const back = url.searchParams.get('return') ?? '/';
  const maxAge = Number(url.searchParams.get('maxAge') ?? '0');
  const lifetime = url.searchParams.get('persist') === 'yes' && maxAge > 0 ? `; Max-Age=${maxAge}` : '';
  res.writeHead(302, {
    location: back.startsWith('/') ? back : '/',
    'set-cookie': `${cookieName}=${encodeURIComponent(token)}; Path=/; Secure; HttpOnly; SameSite=Lax${lifetime}`,
    'cache-control': 'no-store',
  });
  res.end();
}

export function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
}

/** Where the identity provider sends the browser after a successful sign-in. */
export function handOffUrl(returnUrl: string, token: string, maxAgeSeconds: number, persist: boolean): string {
  const target = new URL(returnUrl);
  const handOff = new URL('/_sim/auth', target.origin);
  handOff.searchParams.set('token', token);
  handOff.searchParams.set('maxAge', String(maxAgeSeconds));
  handOff.searchParams.set('persist', persist ? 'yes' : 'no');
  handOff.searchParams.set('return', `${target.pathname}${target.search}`);
  return handOff.href;
}
