import { randomInt } from 'node:crypto';
import type { SimAccounts } from '../core/accounts.js';
import type { SimProvider } from '../core/types.js';
import { webProvider } from '../core/web-provider.js';
import type { PrejoinOptions } from '../core/web-provider.js';
import { captchaPage, eventNotStartedPage, launcherPage, notFoundPage, prejoinPage, signInWallPage } from './pages.js';
import { webMeetingPlan } from '../core/web-script.js';
import { teamsPasscode, teamsScriptSchema } from './script.js';
import type { ParsedTeamsScript } from './script.js';
import { serveMicrosoftSignIn } from './sign-in.js';

export const teamsSignInHost = 'login.microsoftonline.com';
const meetingHosts = ['teams.microsoft.com', 'teams.live.com'] as const;
const shortLink = /^\/meet\/(\d{13})$/;

/** Microsoft Teams: short `/meet/<13 digits>?p=<passcode>` links on the business and consumer hosts. */
export function teamsProvider(accounts: SimAccounts): SimProvider {
  // When each meeting was created, for events that open some time after (`eventOpensAfterMs`).
  const createdAt = new Map<string, number>();
  const prejoin = (options: PrejoinOptions, script: ParsedTeamsScript): string => {
    const opensAt = (createdAt.get(options.code) ?? 0) + (script.eventOpensAfterMs ?? 0);
    return Date.now() < opensAt ? eventNotStartedPage() : prejoinPage(options, script);
  };
  return webProvider<ParsedTeamsScript>(
    {
      id: 'teams',
      meetingHosts,
      signInHost: teamsSignInHost,
      cookieName: 'sim_teams_auth',
      parseScript: (raw) => teamsScriptSchema.parse(raw),
      plan: webMeetingPlan,
      newCode(taken) {
        for (;;) {
          const code = String(randomInt(1e12, 1e13));
          if (taken(code)) continue;
          createdAt.set(code, Date.now());
          return code;
        }
      },
      joinUrl: (code) => `https://${meetingHosts[0]}/meet/${code}?p=${teamsPasscode(code)}`,
      codeOf: (url) => shortLink.exec(url.pathname)?.[1],
      signInUrl: (returnUrl) => `https://${teamsSignInHost}/common/login?return=${encodeURIComponent(returnUrl)}`,
      pages: {
        launcher: launcherPage,
        notFound: notFoundPage,
        captcha: captchaPage,
        signInWall: signInWallPage,
        prejoin,
      },
      serveSignIn: serveMicrosoftSignIn,
    },
    accounts,
  );
}
