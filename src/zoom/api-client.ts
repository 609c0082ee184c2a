import { MeetingsS2SAuthClient, type S2SAuthToken, type TokenStore } from '@zoom/rivet/meetings';
import { UsersS2SAuthClient } from '@zoom/rivet/users';
import { meetingIdForPath, recordingObjectSchema, type RecordingObject } from './events.js';

export interface ZoomApiCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** Default `https://api.zoom.us/v2`. */
  apiBaseUrl?: string;
  /** Default `https://zoom.us` (the S2S token endpoint is `<oauthBaseUrl>/oauth/token`). */
  oauthBaseUrl?: string;
}

const defaultApi = 'https://api.zoom.us/v2';
const defaultOAuth = 'https://zoom.us';
/** Refresh this long before expiry, like rivet's own EXPIRATION_DELTA_SECONDS. */
const refreshMarginMs = 60_000;

/**
 * Server-to-Server OAuth tokens for rivet, fetched by us. Rivet 0.4.0 takes a `baseUrl` for the API but its
 * token endpoint is a constant (`https://zoom.us/oauth/token`, OAUTH_BASE_URL in meetings.mjs), so a
 * simulator or proxy could never issue the token. Rivet asks its TokenStore first and only fetches when the
 * store has nothing fresh; this store always has something fresh, so rivet's own fetch never runs.
 */
export class S2STokenSource implements TokenStore<S2SAuthToken> {
  private current: S2SAuthToken | undefined;
  private pending: Promise<S2SAuthToken> | undefined;

  constructor(private readonly credentials: ZoomApiCredentials) {}

  async getLatestToken(): Promise<S2SAuthToken> {
    if (this.current && Date.parse(this.current.expirationTimeIso) - Date.now() > refreshMarginMs) return this.current;
    // One request for concurrent callers (rivet does not de-duplicate first calls, reference/providers.md §1.4).
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    this.current = await this.pending;
    return this.current;
  }

  storeToken(token: S2SAuthToken): void {
    this.current = token;
  }

  private async fetchToken(): Promise<S2SAuthToken> {
    const { accountId, clientId, clientSecret } = this.credentials;
    const url = new URL('/oauth/token', this.credentials.oauthBaseUrl ?? defaultOAuth);
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'account_credentials', account_id: accountId }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new ZoomApiError(`Zoom OAuth token request failed: ${response.status}`, response.status);
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown; scope?: unknown };
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') throw new ZoomApiError('Zoom OAuth token response has no access_token', 502);
    return {
      accessToken: body.access_token,
      expirationTimeIso: new Date(Date.now() + body.expires_in * 1000).toISOString(),
      scopes: typeof body.scope === 'string' ? body.scope.split(' ') : [],
    };
  }
}

export class ZoomApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ZoomApiError';
  }
}

export interface ApiRecording {
  recording: RecordingObject;
  /** `download_access_token` (include_fields): downloads the files when the webhook's token has expired. */
  downloadAccessToken: string | undefined;
}

/** What Quorum reads of a meeting object (`GET /meetings/{meetingId}`). */
export interface AccountMeeting {
  /** `settings.auto_recording`: `cloud` starts the cloud recording by itself; `local` and `none` leave it to the host. */
  autoRecording?: string;
}

/** The few Zoom REST calls Quorum makes, through @zoom/rivet's typed clients (receiver disabled: we own it). */
export class ZoomApi {
  private readonly meetings: MeetingsS2SAuthClient;
  private readonly users: UsersS2SAuthClient;
  readonly tokens: S2STokenSource;

  constructor(credentials: ZoomApiCredentials) {
    this.tokens = new S2STokenSource(credentials);
    const options = {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      accountId: credentials.accountId,
      tokenStore: this.tokens,
      baseUrl: credentials.apiBaseUrl ?? defaultApi,
      disableReceiver: true as const,
      timeout: 15_000,
    };
    this.meetings = new MeetingsS2SAuthClient(options);
    this.users = new UsersS2SAuthClient(options);
  }

  /** A meeting instance's recordings with a fresh download token; `idOrUuid` is encoded as Zoom requires. */
  async recordings(idOrUuid: string): Promise<ApiRecording> {
    const response = await this.meetings.endpoints.cloudRecording.getMeetingRecordings({
      path: { meetingId: meetingIdForPath(idOrUuid) },
      query: { include_fields: 'download_access_token', ttl: 3600 },
    });
    const data = response.data as Record<string, unknown> | undefined;
    return {
      recording: recordingObjectSchema.parse(data),
      downloadAccessToken: typeof data?.download_access_token === 'string' ? data.download_access_token : undefined,
    };
  }

  /**
   * The meeting, when this account hosts it: Zoom answers `GET /meetings/{meetingId}` with 200 for a meeting of the
   * account (an account-level Server-to-Server app sees every user's) and 404 with code 3001 otherwise (undefined).
   * Any other answer (a refused token, a missing scope, 5xx) throws: it says nothing about the meeting.
   */
  async accountMeeting(meetingId: string): Promise<AccountMeeting | undefined> {
    try {
      const response = await this.meetings.endpoints.meetings.getMeeting({ path: { meetingId: Number(meetingId) } });
      const autoRecording: unknown = response.data?.settings?.auto_recording;
      return typeof autoRecording === 'string' ? { autoRecording } : {};
    } catch (error) {
      const answer = zoomAnswerOf(error);
      if (answer?.status === 404 && answer.code === 3001) return undefined;
      throw error;
    }
  }

  /** The host-authorized token that lets a bot record locally without asking (expires in 120 s). */
  async localRecordingJoinToken(meetingId: string): Promise<string> {
    const response = await this.meetings.endpoints.meetings.getMeetingsJoinTokenForLocalRecording({ path: { meetingId: Number(meetingId) } });
    const token = response.data?.token;
    if (typeof token !== 'string' || token === '') throw new ZoomApiError('Zoom returned no local-recording join token', 502);
    return token;
  }

  /** An on-behalf-of token of the authorizing user (Meeting SDK joins outside the app's own account). */
  async onBehalfToken(userId: string): Promise<string> {
    const response = await this.users.endpoints.users.getUsersToken({ path: { userId }, query: { type: 'onbehalf' } });
    const token = response.data?.token;
    if (typeof token !== 'string' || token === '') throw new ZoomApiError('Zoom returned no OBF token', 502);
    return token;
  }
}

/** Rivet 0.4.0 reports a refusal only in its message, `[404/3001]: "Meeting does not exist: …"` (WebEndpoints.makeRequest). */
export function zoomAnswerOf(error: unknown): { status: number; code?: number } | undefined {
  const match = error instanceof Error ? /^\[(\d{3})(?:\/(\d+))?\]/.exec(error.message) : null;
  if (!match?.[1]) return undefined;
  return match[2] === undefined ? { status: Number(match[1]) } : { status: Number(match[1]), code: Number(match[2]) };
}

const clients = new Map<string, ZoomApi>();

/** One client per credential set, so the S2S token is shared by every caller of the same company. */
export function zoomApiFor(credentials: ZoomApiCredentials): ZoomApi {
  const key = JSON.stringify([credentials.accountId, credentials.clientId, credentials.clientSecret, credentials.apiBaseUrl, credentials.oauthBaseUrl]);
  let client = clients.get(key);
  if (!client) {
    client = new ZoomApi(credentials);
    clients.set(key, client);
  }
  return client;
}
