import { meetAdapter } from './meet/index.js';
import { teamsAdapter } from './teams/index.js';
import { webexAdapter } from './webex/index.js';
import { zoomAdapter } from './zoom/index.js';
import type { JoinAdapter, MeetingRef, ProviderId } from './types.js';

/**
 * Every provider Quorum can join. The core asks this registry which adapter claims a link and never
 * branches on the provider itself. Providers without an adapter yet are simply absent.
 */
export const adapters: Partial<Record<ProviderId, JoinAdapter>> = {
  meet: meetAdapter,
  teams: teamsAdapter,
  webex: webexAdapter,
  zoom: zoomAdapter,
};

export interface MatchedLink {
  adapter: JoinAdapter;
  ref: MeetingRef;
}

export function matchLink(link: string): MatchedLink | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  for (const adapter of Object.values(adapters)) {
    const ref = adapter.matchUrl(url);
    if (ref) return { adapter, ref };
  }
  return undefined;
}
