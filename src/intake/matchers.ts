import { matchUrl as meet } from '../../providers/meet/url.js';
import { matchUrl as teams } from '../../providers/teams/url.js';
import type { MeetingRef } from '../../providers/types.js';
import { matchUrl as webex } from '../../providers/webex/url.js';
import { matchUrl as zoom } from '../../providers/zoom/url.js';

/** The adapters' pure `matchUrl`, passed in so link detection does not depend on which adapters are installed. */
export type UrlMatcher = (url: URL) => MeetingRef | undefined;

/**
 * Every supported provider's URL matcher. The pure url.ts modules are imported rather than the adapters so intake
 * does not load the browser runtime.
 */
export const urlMatchers: readonly UrlMatcher[] = [meet, zoom, teams, webex];
