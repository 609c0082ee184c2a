import type { MeetingRef } from '../types.js';

/** Commercial, consumer (teams.live.com), the new cloud.microsoft domain, and the US government clouds. */
const TEAMS_HOSTS = new Set([
  'teams.microsoft.com',
  'teams.live.com',
  'teams.cloud.microsoft',
  'teams.microsoft.us',
  'gov.teams.microsoft.us',
  'dod.teams.microsoft.us',
]);

/** Thread ids look like `19:meeting_<base64ish>@thread.v2` (also `@thread.skype`, `@thread.tacv2`). */
const THREAD_ID = /^19:[A-Za-z0-9_.=+\-/]+@thread\.[a-z0-9]+$/i;
const MESSAGE_ID = /^\d+$/;
/** The short-form meeting id (13 digits today; accept a range so a lengthening does not break intake). */
const MEET_ID = /^\d{9,20}$/;
const PASSCODE = /^[A-Za-z0-9]{1,32}$/;
/** Wrappers nest a meeting link; bound the unwrapping so a self-referencing link cannot loop. */
const MAX_UNWRAP = 3;

function meetupJoin(host: string, threadId: string, messageId: string, context: string | null): MeetingRef | undefined {
  if (!THREAD_ID.test(threadId) || !MESSAGE_ID.test(messageId)) return undefined;
  // `context` carries the tenant (Tid) and organizer (Oid): without it the join page cannot resolve the meeting.
  const query = context ? `?context=${encodeURIComponent(context)}` : '';
  return {
    provider: 'teams',
    id: threadId,
    url: `https://${host}/l/meetup-join/${encodeURIComponent(threadId)}/${messageId}${query}`,
  };
}

/** Teams free / personal meetings: a signed-in work account cannot join them (providers.md §4.2, Recall's bot login docs). */
const CONSUMER_HOST = 'teams.live.com';

function shortMeet(host: string, id: string, passcode: string | null): MeetingRef | undefined {
  if (!MEET_ID.test(id)) return undefined;
  const query = passcode && PASSCODE.test(passcode) ? `?p=${passcode}` : '';
  const ref: MeetingRef = { provider: 'teams', id, url: `https://${host}/meet/${id}${query}` };
  return host === CONSUMER_HOST ? { ...ref, signInUnsupported: true } : ref;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** `/l/meetup-join/<thread>/<message>?context=...` and `/meet/<id>?p=...` on a Teams host. */
function matchDirect(host: string, url: URL): MeetingRef | undefined {
  const parts = url.pathname.split('/').filter((part) => part !== '');
  if (parts[0] === 'l' && parts[1] === 'meetup-join' && parts[2] && parts[3]) {
    const threadId = decodeSegment(parts[2]);
    return threadId ? meetupJoin(host, threadId, parts[3], url.searchParams.get('context')) : undefined;
  }
  if (parts[0] === 'meet' && parts[1] && parts.length === 2) {
    return shortMeet(host, parts[1], url.searchParams.get('p'));
  }
  return undefined;
}

interface LightCoords {
  meetingCode?: unknown;
  passcode?: unknown;
  conversationId?: unknown;
  tenantId?: unknown;
  organizerId?: unknown;
  messageId?: unknown;
}

/** light-meetings/launch carries the meeting as base64 JSON in `coords` (observed, Attendee tests). */
function matchLightMeeting(host: string, url: URL): MeetingRef | undefined {
  const coords = url.searchParams.get('coords');
  if (!coords) return undefined;
  let data: LightCoords;
  try {
    data = JSON.parse(Buffer.from(coords, 'base64').toString('utf8')) as LightCoords;
  } catch {
    return undefined;
  }
  if (typeof data.meetingCode === 'string') {
    return shortMeet(host, data.meetingCode, typeof data.passcode === 'string' ? data.passcode : null);
  }
  if (typeof data.conversationId !== 'string') return undefined;
  const context = JSON.stringify({ Tid: data.tenantId, Oid: data.organizerId });
  const messageId = typeof data.messageId === 'string' ? data.messageId : '0';
  // Consumer hosts do not serve meetup-join links for business meetings; the commercial host does.
  const joinHost = host === CONSUMER_HOST ? 'teams.microsoft.com' : host;
  return meetupJoin(joinHost, data.conversationId, messageId, context);
}

/** The inner meeting path of a launcher wrapper: `?url=/_#/l/meetup-join/...` or `#/l/meetup-join/...`. */
function wrappedPath(url: URL): string | undefined {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/dl/launcher/launcher.html') return url.searchParams.get('url') ?? undefined;
  if ((path === '/v2' || path === '' || path === '/_') && url.hash.startsWith('#/')) return url.hash;
  return undefined;
}

function matchOn(url: URL, depth: number): MeetingRef | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase();
  if (!TEAMS_HOSTS.has(host)) return undefined;
  const direct = matchDirect(host, url);
  if (direct) return direct;
  if (url.pathname.replace(/\/+$/, '') === '/light-meetings/launch') return matchLightMeeting(host, url);
  const inner = wrappedPath(url);
  if (inner === undefined || depth >= MAX_UNWRAP) return undefined;
  // `/_#/l/...` and `#/l/...` are client-side routes; dropping the hash marker turns them into real paths.
  const innerPath = inner.replace(/^\/?_?#/, '');
  if (!innerPath.startsWith('/')) return undefined;
  try {
    return matchOn(new URL(innerPath, `https://${host}`), depth + 1);
  } catch {
    return undefined;
  }
}

/**
 * Recognizes a Teams meeting link (meetup-join with its context, the short /meet/<id>?p= form, teams.live.com,
 * launcher and light-meetings wrappers, GCC High/DoD) and returns the link the bot opens.
 */
export function matchUrl(url: URL): MeetingRef | undefined {
  return matchOn(url, 0);
}
