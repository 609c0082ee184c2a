import type { MeetingRef } from '../types.js';

const meetHost = 'meet.google.com';
const shortHost = 'g.co';

/** Meet codes are 10 letters in 3-4-3 groups; Meet itself accepts them in any case. */
const codePath = /^\/(?:_meet\/)?([a-z]{3}-[a-z]{4}-[a-z]{3})\/?$/i;
const lookupPath = /^\/lookup\/([a-z0-9_-]+)\/?$/i;
const shortPath = /^\/meet\/([a-z0-9_-]+)\/?$/i;

/**
 * Recognizes a Google Meet link. Code links are normalized to `https://meet.google.com/<code>` (query
 * parameters such as authuser, hs and pli only matter to a signed-in human). Nickname links
 * (`/lookup/<nick>`, `g.co/meet/<nick>`) are kept as given because only Google can resolve them.
 */
export function matchUrl(url: URL): MeetingRef | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.port !== '') return undefined;
  const host = url.hostname.toLowerCase();
  if (host === meetHost) return matchMeetPath(url);
  if (host === shortHost) {
    const nick = shortPath.exec(url.pathname)?.[1];
    return nick === undefined ? undefined : { provider: 'meet', id: nick, url: httpsHref(url) };
  }
  return undefined;
}

function matchMeetPath(url: URL): MeetingRef | undefined {
  const code = codePath.exec(url.pathname)?.[1];
  if (code !== undefined) {
    const id = code.toLowerCase();
    return { provider: 'meet', id, url: `https://${meetHost}/${id}` };
  }
  const nick = lookupPath.exec(url.pathname)?.[1];
  if (nick !== undefined) return { provider: 'meet', id: nick, url: httpsHref(url) };
  return undefined;
}

function httpsHref(url: URL): string {
  const copy = new URL(url.href);
  copy.protocol = 'https:';
  copy.hash = '';
  return copy.href;
}
