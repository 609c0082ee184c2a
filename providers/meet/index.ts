import type { JoinAdapter } from '../types.js';
import { joinMeet } from './join.js';
import { matchUrl } from './url.js';

export const meetAdapter: JoinAdapter = {
  provider: 'meet',
  matchUrl,
  join: joinMeet,
};
