import type { MeetingRef } from '../types.js';

/**
 * The Meeting SDK joins by meeting number and a cloud recording is matched by it; a personal link names a room
 * (`/my/<name>`) and carries none (providers.md §3.4), so neither the bot nor the cloud fetch can use it.
 */
const personalRoom = "a Zoom personal link (/my/…) carries no meeting number, which both Zoom modes need: use the meeting's /j/ link (in the Zoom invite) instead";

/** Zoom's web domains: global, ZoomGov, Zoom-X (Germany) and China; vanity/regional subdomains under each. */
const ZOOM_DOMAINS = ['zoom.us', 'zoom.com', 'zoomgov.com', 'zoom-x.de', 'zoom.com.cn'];

/** Meeting number: 9 to 11 digits (reference/providers.md §3.4). */
const MEETING_ID = /^\d{9,11}$/;
/**
 * `pwd` is an encoded passcode: alphanumerics, optionally `.N`. Anything after that is debris from the
 * surrounding text (Attendee's sanitizer uses the same shape).
 */
const ENCODED_PWD = /^([a-zA-Z0-9]+(?:\.\d+)?)/;
const VANITY = /^[a-zA-Z0-9._-]{1,64}$/;

function zoomDomain(hostname: string): string | undefined {
  const host = hostname.toLowerCase();
  return ZOOM_DOMAINS.find((domain) => host === domain || host.endsWith(`.${domain}`));
}

/** zoom.com is the marketing twin of zoom.us; meetings live on zoom.us (Attendee normalizes the same way). */
function joinHost(hostname: string, domain: string): string {
  const host = hostname.toLowerCase();
  return domain === 'zoom.com' ? `${host.slice(0, -'zoom.com'.length)}zoom.us` : host;
}

interface ZoomPath {
  kind: 'meeting' | 'webinar' | 'personal';
  id: string;
}

/** /j/ID, /s/ID (host start link), /w/ID (webinar), /wc/join/ID, /wc/ID/join|start, /my/VANITY. */
function parsePath(pathname: string): ZoomPath | undefined {
  const parts = pathname.split('/').filter((part) => part !== '');
  const [head, second, third] = parts;
  if (parts.length === 2 && (head === 'j' || head === 's' || head === 'w') && second && MEETING_ID.test(second)) {
    return { kind: head === 'w' ? 'webinar' : 'meeting', id: second };
  }
  if (head === 'wc' && second === 'join' && third && MEETING_ID.test(third) && parts.length === 3) {
    return { kind: 'meeting', id: third };
  }
  if (head === 'wc' && second && MEETING_ID.test(second) && parts.length <= 3) {
    if (third === undefined || third === 'join' || third === 'start') return { kind: 'meeting', id: second };
  }
  if (head === 'my' && second && VANITY.test(second) && parts.length === 2) {
    return { kind: 'personal', id: second.toLowerCase() };
  }
  return undefined;
}

function keptQuery(url: URL, kind: ZoomPath['kind']): string {
  const query = new URLSearchParams();
  const pwd = ENCODED_PWD.exec(url.searchParams.get('pwd') ?? '')?.[1];
  if (pwd) query.set('pwd', pwd);
  // A webinar registrant token identifies the attendee; without it a registration-only webinar refuses the join.
  const tk = url.searchParams.get('tk');
  if (kind === 'webinar' && tk) query.set('tk', tk);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** `zoommtg://zoom.us/join?confno=ID&pwd=...`, the desktop-client deep link some invites carry. */
function matchDeepLink(url: URL): MeetingRef | undefined {
  if (url.protocol !== 'zoommtg:' || url.pathname !== '/join') return undefined;
  const domain = zoomDomain(url.hostname);
  const id = url.searchParams.get('confno') ?? '';
  if (!domain || !MEETING_ID.test(id)) return undefined;
  return { provider: 'zoom', id, url: `https://${joinHost(url.hostname, domain)}/j/${id}${keptQuery(url, 'meeting')}` };
}

/**
 * Recognizes a Zoom join link and normalizes it to `https://<host>/j/<id>?pwd=...` (webinars keep `/w/` and `tk`,
 * personal rooms keep `/my/<vanity>`). The host, vanity subdomain included, is kept: SSO-only meetings need it.
 */
export function matchUrl(url: URL): MeetingRef | undefined {
  if (url.protocol === 'zoommtg:') return matchDeepLink(url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const domain = zoomDomain(url.hostname);
  if (!domain) return undefined;
  const path = parsePath(url.pathname);
  if (!path) return undefined;
  const host = joinHost(url.hostname, domain);
  const prefix = path.kind === 'webinar' ? 'w' : path.kind === 'personal' ? 'my' : 'j';
  const ref: MeetingRef = { provider: 'zoom', id: path.id, url: `https://${host}/${prefix}/${path.id}${keptQuery(url, path.kind)}` };
  return path.kind === 'personal' ? { ...ref, unjoinable: personalRoom } : ref;
}
