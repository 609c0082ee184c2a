import type { JoinAdapter } from '../types.js';
import { joinWebClient } from '../web-client/join.js';
import { teamsUi } from './selectors.js';
import { matchUrl } from './url.js';

export const teamsAdapter: JoinAdapter = {
  provider: 'teams',
  matchUrl,
  join: (ctx) => joinWebClient(ctx, teamsUi),
};
