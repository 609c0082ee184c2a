import type { JoinAdapter } from '../types.js';
import { joinZoom } from './join.js';
import { matchUrl } from './url.js';

/** Zoom's local-recording bot (Meeting SDK for Web). Cloud-mode meetings never reach it: no bot joins them. */
export const zoomAdapter: JoinAdapter = {
  provider: 'zoom',
  matchUrl,
  join: joinZoom,
};
