import { joinWebClient } from '../web-client/join.js';
import type { JoinAdapter } from '../types.js';
import { webexUi } from './selectors.js';
import { matchUrl } from './url.js';

/** Webex shares the web-client join loop with Teams; only its selectors and copy differ. */
export const webexAdapter: JoinAdapter = {
  provider: 'webex',
  matchUrl,
  join: (ctx) => joinWebClient(ctx, webexUi),
};
