import { zoomSettingsSchema } from '../../src/eligibility/settings.js';
import { SessionError } from '../../src/sessions/session-error.js';
import { apiCredentials } from '../../src/zoom/company-zoom.js';
import { zoomApiFor, type ZoomApi } from '../../src/zoom/api-client.js';
import type { JoinContext } from '../types.js';
import { sdkVersion } from './selectors.js';

/** Settings' defaults when the company left them out (docs/zoom.md). */
export const defaultPermissionTimeoutSeconds = 120;
export const defaultHostAbsentWaitSeconds = 300;

export interface ZoomJoinSettings {
  meetingNumber: string;
  sdkKey: string;
  sdkSecret: string;
  automatic: boolean;
  authorizingUserId: string | undefined;
  permissionTimeoutMs: number;
  hostAbsentWaitMs: number;
  /** The Meeting SDK for Web build the bot page loads. */
  sdkVersion: string;
  /** The company's Zoom API client (Server-to-Server OAuth); `zoom_token_failed` when it is not configured. */
  api(): ZoomApi;
  /** Runs a token request, turning any failure into `zoom_token_failed` (never logs the token). */
  token(what: string, fetch: () => Promise<string>): Promise<string>;
}

/** The company's Zoom settings for this join, from the context the runner filled; fails before any page opens. */
export function joinSettings(ctx: JoinContext): ZoomJoinSettings {
  const parsed = zoomSettingsSchema.safeParse(ctx.providerSettings ?? {});
  // The parse error is not logged: it may quote a secret.
  if (!parsed.success) throw new SessionError('provider_misconfigured', 'settings', 'the company\'s providers.zoom settings do not parse');
  const zoom = parsed.data;
  if (!zoom.sdkKey || !zoom.sdkSecret) throw new SessionError('provider_misconfigured', 'settings', 'providers.zoom.sdkKey and sdkSecret are required for the Zoom bot');
  if (!/^\d{9,11}$/.test(ctx.ref.id)) throw new SessionError('meeting_not_found', 'settings', 'the Zoom link carries no meeting number (personal-room links cannot be joined through the SDK)');
  const credentials = apiCredentials(zoom);
  return {
    meetingNumber: ctx.ref.id,
    sdkKey: zoom.sdkKey,
    sdkSecret: zoom.sdkSecret,
    automatic: zoom.automaticRecordingPermission === true,
    authorizingUserId: zoom.authorizingUserId,
    permissionTimeoutMs: (zoom.permissionTimeoutSeconds ?? defaultPermissionTimeoutSeconds) * 1000,
    hostAbsentWaitMs: (zoom.hostAbsentWaitSeconds ?? defaultHostAbsentWaitSeconds) * 1000,
    sdkVersion: zoom.sdkVersion ?? sdkVersion,
    api() {
      if (!credentials) throw new SessionError('zoom_token_failed', 'token', 'providers.zoom accountId, clientId and clientSecret are needed to mint Zoom tokens');
      return zoomApiFor(credentials);
    },
    async token(what, fetch) {
      try {
        const token = await fetch();
        ctx.log.info(`got a Zoom ${what} token`);
        return token;
      } catch (error) {
        if (error instanceof SessionError) throw error;
        throw new SessionError('zoom_token_failed', 'token', `Zoom's API refused the ${what} token: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
  };
}
