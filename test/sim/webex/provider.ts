import { randomBytes } from 'node:crypto';
import type { SimAccounts } from '../core/accounts.js';
import type { SimProvider } from '../core/types.js';
import { webProvider } from '../core/web-provider.js';
import { webMeetingPlan } from '../core/web-script.js';
import { captchaPage, launcherPage, notFoundPage, prejoinPage, signInWallPage } from './pages.js';
import { webexScriptSchema } from './script.js';
import type { ParsedWebexScript } from './script.js';
import { serveWebexSignIn } from './sign-in.js';

/** The simulated Webex site; real sites are `<site>.webex.com` and the adapter accepts any of them. */
export const webexSite = 'acme';
export const webexSignInHost = 'idbroker.webex.com';
const siteHost = `${webexSite}.webex.com`;

/** Webex: scheduled meetings at `https://<site>.webex.com/<site>/j.php?MTID=m<hex>`. */
export function webexProvider(accounts: SimAccounts): SimProvider {
  return webProvider<ParsedWebexScript>(
    {
      id: 'webex',
      meetingHosts: [siteHost],
      signInHost: webexSignInHost,
      cookieName: 'sim_webex_auth',
      parseScript: (raw) => webexScriptSchema.parse(raw),
      plan: webMeetingPlan,
      newCode(taken) {
        for (;;) {
          const code = `m${randomBytes(16).toString('hex')}`;
          if (!taken(code)) return code;
        }
      },
      joinUrl: (code) => `https://${siteHost}/${webexSite}/j.php?MTID=${code}`,
      codeOf: (url) => (url.pathname === `/${webexSite}/j.php` ? url.searchParams.get('MTID') ?? undefined : undefined),
      signInUrl: (returnUrl) => `https://${webexSignInHost}/idb/UI/Login?return=${encodeURIComponent(returnUrl)}`,
      pages: {
        launcher: launcherPage,
        notFound: notFoundPage,
        captcha: captchaPage,
        signInWall: signInWallPage,
        prejoin: prejoinPage,
      },
      serveSignIn: serveWebexSignIn,
    },
    accounts,
  );
}
