import { randomInt } from 'node:crypto';
import type { SimAccounts } from '../core/accounts.js';
import type { SimProvider } from '../core/types.js';
import { webProvider } from '../core/web-provider.js';
import { captchaPage, launcherPage, notFoundPage, prejoinPage, signInWallPage } from './pages.js';
import { webMeetingPlan, webMeetingScriptSchema } from '../core/web-script.js';
import type { ParsedWebMeetingScript } from '../core/web-script.js';
import { serveMicrosoftSignIn } from './sign-in.js';

export const teamsSignInHost = 'login.microsoftonline.com';
const meetingHosts = ['teams.microsoft.com', 'teams.live.com'] as const;
const shortLink = /^\/meet\/(\d{13})$/;

/** Microsoft Teams: short `/meet/<13 digits>?p=<passcode>` links on the business and consumer hosts. */
export function teamsProvider(accounts: SimAccounts): SimProvider {
  return webProvider<ParsedWebMeetingScript>(
    {
      id: 'teams',
      meetingHosts,
      signInHost: teamsSignInHost,
      cookieName: 'sim_teams_auth',
      parseScript: (raw) => webMeetingScriptSchema.parse(raw),
      plan: webMeetingPlan,
      newCode(taken) {
        for (;;) {
          const code = String(randomInt(1e12, 1e13));
          if (!taken(code)) return code;
        }
      },
      joinUrl: (code) => `https://${meetingHosts[0]}/meet/${code}?p=Sim${code.slice(-4)}`,
      codeOf: (url) => shortLink.exec(url.pathname)?.[1],
      signInUrl: (returnUrl) => `https://${teamsSignInHost}/common/login?return=${encodeURIComponent(returnUrl)}`,
      pages: {
        launcher: launcherPage,
        notFound: notFoundPage,
        captcha: captchaPage,
        signInWall: signInWallPage,
        prejoin: prejoinPage,
      },
      serveSignIn: serveMicrosoftSignIn,
    },
    accounts,
  );
}
