import type { MeetingRef } from '../types.js';

/** MTID: `m` followed by hex in practice; accept alphanumerics as Cisco does not document the alphabet. */
const MTID = /^[a-z0-9]{8,64}$/i;
/** Personal Room names: letters, digits, dot, dash, underscore; e-mail style names drop the `@` (Cisco FAQ). */
const ROOM_USER = /^[a-z0-9._-]{1,64}$/i;
const SEGMENT = /^[a-z0-9._-]{1,128}$/i;

function isWebexHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'webex.com' || host.endsWith('.webex.com');
}

/** `https://<site>.webex.com/<site>/j.php?MTID=m<hex>`: a scheduled meeting. */
function matchScheduled(host: string, parts: string[], url: URL): MeetingRef | undefined {
  const [site, page] = parts;
  if (parts.length !== 2 || page?.toLowerCase() !== 'j.php' || !site || !SEGMENT.test(site)) return undefined;
  const mtid = url.searchParams.get('MTID') ?? url.searchParams.get('mtid') ?? '';
  if (!MTID.test(mtid)) return undefined;
  return { provider: 'webex', id: mtid, url: `https://${host}/${site}/j.php?MTID=${mtid}` };
}

/** `/meet/<user>` and the older `/join/<user>`: Personal Rooms, the same link every meeting. */
function matchPersonalRoom(host: string, parts: string[]): MeetingRef | undefined {
  const [kind, user] = parts;
  if (parts.length !== 2 || (kind !== 'meet' && kind !== 'join') || !user || !ROOM_USER.test(user)) return undefined;
  const room = user.toLowerCase();
  return { provider: 'webex', id: `${host}/${room}`, url: `https://${host}/${kind}/${room}` };
}

/**
 * API-issued links (`/wbxmjs/joinservice/sites/<site>/meeting/download/<id>?siteurl=...`) and web-app links
 * (`/webappng/sites/<site>/...`): their query may carry a join token, so it is kept whole.
 */
function matchServiceLink(host: string, parts: string[], url: URL): MeetingRef | undefined {
  const isJoinService = parts[0] === 'wbxmjs' && parts[1] === 'joinservice' && parts[2] === 'sites';
  const isWebApp = parts[0] === 'webappng' && parts[1] === 'sites';
  if (!isJoinService && !isWebApp) return undefined;
  const site = parts[isJoinService ? 3 : 2];
  const id = parts.at(-1);
  if (!site || !id || parts.length < (isJoinService ? 5 : 4) || !parts.every((part) => SEGMENT.test(part))) {
    return undefined;
  }
  return { provider: 'webex', id, url: `https://${host}${url.pathname}${url.search}` };
}

/** Recognizes a Webex meeting link on any `*.webex.com` site and returns the link the bot opens. */
export function matchUrl(url: URL): MeetingRef | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (!isWebexHost(url.hostname)) return undefined;
  const host = url.hostname.toLowerCase();
  const parts = url.pathname.split('/').filter((part) => part !== '');
  return matchScheduled(host, parts, url) ?? matchPersonalRoom(host, parts) ?? matchServiceLink(host, parts, url);
}
