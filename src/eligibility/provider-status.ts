import type { ProviderId } from '../../providers/types.js';
import { settingPath } from './paths.js';
import type { BotAccount, CompanySettings, ProvidersSettings } from './settings.js';
import { botAccountsOf, providerIds } from './settings.js';

/**
 * The provider status page ("Check the Details column for any errors or warnings regarding the web
 * conference provider status"). Errors make `provider_misconfigured` fail; warnings never block a
 * recording but predict join failures. Issues are computed for disabled providers too, so turning a
 * provider on shows what else it needs and eligibility can report both problems at once.
 */
export interface Issue {
  code: string;
  message: string;
  /** The settings path to change, e.g. `providers.zoom.clientSecret`. */
  setting: string;
}

export interface ProviderStatus {
  enabled: boolean;
  errors: Issue[];
  warnings: Issue[];
  /** The authenticated bot's accounts, for providers that have one (status pages only; eligibility reads none). */
  accounts?: BotAccountStatus[];
}

/**
 * One bot account as operators see it, never with its password: `sign_in_failed` while its sign-in stays refused
 * for a reason that repeats (src/scheduler/account-marks.ts), with that reason, since when, and the session that
 * found it; meetings pass over it until its credentials change.
 */
export interface BotAccountStatus {
  email: string;
  status: 'ok' | 'sign_in_failed';
  reason: string | null;
  since: string | null;
  sessionId: string | null;
}

interface Findings {
  errors: Issue[];
  warnings: Issue[];
}

type AuthenticatedBot = ProvidersSettings['teams']['authenticatedBot'];

function missing(provider: ProviderId, field: string, code: string, what: string): Issue {
  const setting = settingPath('providers', provider, field);
  return { code, message: `${what} is missing: set ${setting}.`, setting };
}

function zoomFindings(zoom: ProvidersSettings['zoom']): Findings {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const need = (field: keyof typeof zoom, code: string, what: string): void => {
    if (zoom[field] === undefined || zoom[field] === '') errors.push(missing('zoom', field, code, what));
  };
  if (zoom.mode === 'cloud') {
    // Cloud recordings arrive through the recording.completed webhook and are fetched with OAuth.
    need('accountId', 'zoom_oauth_missing', 'The Zoom Server-to-Server OAuth account ID');
    need('clientId', 'zoom_oauth_missing', 'The Zoom OAuth client ID');
    need('clientSecret', 'zoom_oauth_missing', 'The Zoom OAuth client secret');
    need('webhookSecretToken', 'zoom_webhook_secret_missing', 'The Zoom webhook secret token');
  } else {
    need('sdkKey', 'zoom_sdk_missing', 'The Zoom Meeting SDK key');
    need('sdkSecret', 'zoom_sdk_missing', 'The Zoom Meeting SDK secret');
    if (zoom.automaticRecordingPermission === true || zoom.authorizingUserId !== undefined) {
      // The local-recording join token and the OBF token are minted through Zoom's API at every join.
      const why = zoom.authorizingUserId !== undefined ? 'authorizingUserId' : 'automaticRecordingPermission';
      need('accountId', 'zoom_oauth_missing', `The Zoom Server-to-Server OAuth account ID (join tokens for ${why})`);
      need('clientId', 'zoom_oauth_missing', `The Zoom OAuth client ID (join tokens for ${why})`);
      need('clientSecret', 'zoom_oauth_missing', `The Zoom OAuth client secret (join tokens for ${why})`);
    }
    if (zoom.automaticRecordingPermission !== true) {
      const setting = settingPath('providers', 'zoom', 'automaticRecordingPermission');
      warnings.push({
        code: 'zoom_host_permission_required',
        message: `The meeting host will be asked to let the bot record (it ends the session if they deny or do not answer). Set up automatic recording permission in Zoom and set ${setting} to true.`,
        setting,
      });
    }
  }
  return { errors, warnings };
}

/** Teams, Webex and signed-in Meet share the authenticated-bot settings and their failure modes. */
function botAccountFindings(provider: ProviderId, field: string, bot: AuthenticatedBot | undefined): Issue[] {
  if (bot?.enabled !== true || botAccountsOf(bot).length > 0) return [];
  const setting = settingPath('providers', provider, field, 'account');
  return [
    {
      code: 'bot_account_missing',
      message: `The authenticated bot is enabled but has no account: set ${setting} (email and password; more in ${settingPath('providers', provider, field, 'accounts')}), or turn ${settingPath('providers', provider, field, 'enabled')} off.`,
      setting,
    },
  ];
}

function anonymousBotWarning(provider: ProviderId, bot: AuthenticatedBot): Issue[] {
  if (bot.enabled) return [];
  const setting = settingPath('providers', provider, 'authenticatedBot', 'enabled');
  return [
    {
      code: 'authenticated_bot_off',
      message: `The bot joins anonymously; the provider may ask it to pass a CAPTCHA or block users who are not signed in. Enable the authenticated bot (${setting}) so it joins as a recognized user.`,
      setting,
    },
  ];
}

const findingsByProvider: { [P in ProviderId]: (settings: ProvidersSettings[P]) => Findings } = {
  meet: (meet) => ({ errors: botAccountFindings('meet', 'authenticatedBot', meet.authenticatedBot), warnings: [] }),
  zoom: zoomFindings,
  teams: (teams) => ({
    errors: botAccountFindings('teams', 'authenticatedBot', teams.authenticatedBot),
    warnings: anonymousBotWarning('teams', teams.authenticatedBot),
  }),
  webex: (webex) => {
    const errors = botAccountFindings('webex', 'authenticatedBot', webex.authenticatedBot);
    if (webex.site === undefined || webex.site === '') {
      errors.push(missing('webex', 'site', 'webex_site_missing', 'The Webex site (e.g. acme for acme.webex.com)'));
    }
    return { errors, warnings: anonymousBotWarning('webex', webex.authenticatedBot) };
  },
};

/** Each provider's authenticated-bot accounts (`account` first, each email once), for the providers that have one. */
export function botAccountsByProvider(providers: ProvidersSettings): Partial<Record<ProviderId, BotAccount[]>> {
  const bots = { meet: providers.meet.authenticatedBot, teams: providers.teams.authenticatedBot, webex: providers.webex.authenticatedBot };
  return Object.fromEntries(Object.entries(bots).map(([provider, bot]) => [provider, bot ? botAccountsOf(bot) : []]));
}

/** The accounts with their marks (keyed by lower-case email): an account without one is `ok`. */
export function accountStatuses(accounts: readonly BotAccount[], marks: ReadonlyMap<string, { reason: string; since: string; sessionId: string }>): BotAccountStatus[] {
  return accounts.map((account) => {
    const mark = marks.get(account.email.toLowerCase());
    return mark
      ? { email: account.email, status: 'sign_in_failed', reason: mark.reason, since: mark.since, sessionId: mark.sessionId }
      : { email: account.email, status: 'ok', reason: null, since: null, sessionId: null };
  });
}

function statusOf<P extends ProviderId>(provider: P, providers: ProvidersSettings): ProviderStatus {
  const settings = providers[provider];
  return { enabled: settings.enabled, ...findingsByProvider[provider](settings) };
}

export function providerStatus(settings: Pick<CompanySettings, 'providers'>): Record<ProviderId, ProviderStatus> {
  const entries = providerIds.map((provider) => [provider, statusOf(provider, settings.providers)] as const);
  return Object.fromEntries(entries) as Record<ProviderId, ProviderStatus>;
}
