import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zoomSignature } from '../../../src/zoom/signature.js';
import { extensionOf, fileBody, recordingTypeOf, type SimFileType } from './cloud-files.js';

/** A cloud-recorded meeting the stand-in reports to Quorum. */
export interface CloudScript {
  /** Default: a fresh 11-digit number. */
  meetingId?: string;
  /** Default: a random base64 UUID; pass one starting with `/` or holding `//` to exercise double encoding. */
  uuid?: string;
  topic?: string;
  startTime: string;
  files?: Array<{ type: SimFileType; status?: 'completed' | 'processing' }>;
  /** Names of participants with a separate audio file ("record a separate audio file of each participant"). */
  participantAudio?: string[];
  webhook: {
    /** Quorum's `/v1/webhooks/zoom/<companyId>`. */
    url: string;
    secret: string;
    /** When recording.completed is sent (ms from now); late deliveries are just long delays. */
    afterMs: number;
    /** Send the same event again (new timestamp and signature, as Zoom's retries do) this long after the first. */
    duplicateAfterMs?: number;
    /** The webhook's download_token is already expired: downloads with it get 401. */
    expiredToken?: boolean;
  };
  /** The first N downloads of each file fail with 500 (transient); `always` fails every download. */
  failDownloads?: number | 'always';
  /** The meeting's `settings.auto_recording` in GET /v2/meetings/:id (default `cloud`: Zoom starts the recording). */
  autoRecording?: AutoRecording;
}

/** Zoom's `settings.auto_recording`: `cloud` records by itself; with `local` or `none` the host must press Record. */
export type AutoRecording = 'cloud' | 'local' | 'none';

export interface SimCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

interface CloudMeeting {
  script: CloudScript;
  meetingId: string;
  uuid: string;
  webhookToken: string;
  files: Array<{ id: string; type: SimFileType; status: string; participant?: string }>;
  timers: NodeJS.Timeout[];
}

export interface WebhookResult {
  status: number;
  body: string;
}

/**
 * Zoom's REST API and file server on loopback: the S2S OAuth token endpoint, GET /v2/meetings/:id (is the meeting
 * this account's? does its cloud recording start by itself?), GET /v2/meetings/:id/recordings (with
 * download_access_token), the local-recording join token,
 * OBF tokens, downloads, and signed webhooks sent to Quorum. Every download and API call is counted, so tests can see what Quorum asked for.
 */
export class ZoomApiSim {
  readonly credentials: SimCredentials = { accountId: 'sim-account', clientId: 'sim-client-id', clientSecret: `sim-secret-${randomBytes(6).toString('hex')}` };
  private readonly meetings = new Map<string, CloudMeeting>();
  private readonly accessTokens = new Set<string>();
  private readonly apiDownloadTokens = new Set<string>();
  private readonly downloadCounts = new Map<string, number>();
  private readonly joinTokens = new Map<string, { kind: string; expiresAt: number }>();
  /** Meeting numbers hosted in another Zoom account: GET /v2/meetings/:id answers them 404, code 3001. */
  private readonly elsewhere = new Set<string>();
  /** `settings.auto_recording` of meetings a test set with autoRecording(); the others answer their script's or `cloud`. */
  private readonly autoRecordings = new Map<string, AutoRecording>();
  readonly calls: string[] = [];
  /** Meeting SDK for Web builds the bots' pages loaded from the simulated CDN (source.zoom.us), by version. */
  readonly sdkLoads: string[] = [];
  readonly webhookResults: WebhookResult[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.serve(req, res).catch(() => res.writeHead(500).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const meeting of this.meetings.values()) for (const timer of meeting.timers) clearTimeout(timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The company settings that point Quorum's Zoom client here. */
  companySettings(): { accountId: string; clientId: string; clientSecret: string; apiBaseUrl: string; oauthBaseUrl: string } {
    return { ...this.credentials, apiBaseUrl: `${this.url}/v2`, oauthBaseUrl: this.url };
  }

  /** Plans a recorded meeting and its webhook deliveries; returns its ids and a join link Quorum recognizes. */
  cloudRecording(script: CloudScript): { meetingId: string; uuid: string; joinUrl: string } {
    const meetingId = script.meetingId ?? String(randomInt(10_000_000_000, 99_999_999_999));
    const uuid = script.uuid ?? `${randomBytes(16).toString('base64')}`;
    const types = script.files ?? [{ type: 'MP4' }, { type: 'M4A' }, { type: 'TRANSCRIPT' }];
    const files = [
      ...types.map((file) => ({ id: randomBytes(8).toString('hex'), type: file.type, status: file.status ?? 'completed' })),
      ...(script.participantAudio ?? []).map((participant) => ({ id: randomBytes(8).toString('hex'), type: 'M4A' as const, status: 'completed', participant })),
    ];
    const meeting: CloudMeeting = { script, meetingId, uuid, webhookToken: `wh-${randomBytes(12).toString('hex')}`, files, timers: [] };
    this.meetings.set(meetingId, meeting);
    const send = () => void this.sendSigned(script.webhook.url, script.webhook.secret, this.completedEvent(meeting));
    meeting.timers.push(setTimeout(send, script.webhook.afterMs));
    if (script.webhook.duplicateAfterMs !== undefined) meeting.timers.push(setTimeout(send, script.webhook.afterMs + script.webhook.duplicateAfterMs));
    return { meetingId, uuid, joinUrl: `https://acme.zoom.us/j/${meetingId}?pwd=Sim${meetingId.slice(-4)}` };
  }

  /**
   * Registers a meeting hosted in another company's Zoom account: this account's API does not know it (GET
   * /v2/meetings/:id → 404, code 3001), so cloud mode could never fetch its recording. Every other meeting number,
   * invented by a test or planned with cloudRecording(), counts as a meeting of the simulated account.
   */
  hostedElsewhere(meetingId = String(randomInt(10_000_000_000, 99_999_999_999))): { meetingId: string; joinUrl: string } {
    this.elsewhere.add(meetingId);
    return { meetingId, joinUrl: `https://other.zoom.us/j/${meetingId}?pwd=Sim${meetingId.slice(-4)}` };
  }

  /** Sets what GET /v2/meetings/:id says of the meeting's `settings.auto_recording`, for any meeting number. */
  autoRecording(meetingId: string, value: AutoRecording): void {
    this.autoRecordings.set(meetingId, value);
  }

  /**
   * The Meeting SDK stand-in's check of a join token: true once for a token this API issued for `kind`
   * (`obf`, `local_recording:<meeting number>`) and not expired. Both are single-use here, as OBF tokens are.
   */
  takeToken(kind: string, token: string): boolean {
    const issued = this.joinTokens.get(token);
    this.joinTokens.delete(token);
    return issued !== undefined && issued.kind === kind && issued.expiresAt > Date.now();
  }

  private issue(kind: string, prefix: string, ttlMs: number): string {
    const token = `${prefix}-${randomBytes(8).toString('hex')}`;
    this.joinTokens.set(token, { kind, expiresAt: Date.now() + ttlMs });
    return token;
  }

  /** How many times a meeting's files were downloaded successfully, by file id. */
  downloads(meetingId: string): Record<string, number> {
    const meeting = this.meetings.get(meetingId);
    return Object.fromEntries((meeting?.files ?? []).map((file) => [file.id, this.downloadCounts.get(`ok:${file.id}`) ?? 0]));
  }

  completedEvent(meeting: { meetingId: string }): string {
    const m = this.meetings.get(meeting.meetingId);
    if (!m) throw new Error(`no meeting ${meeting.meetingId}`);
    return JSON.stringify({
      event: 'recording.completed',
      event_ts: Date.now(),
      download_token: m.webhookToken,
      payload: { account_id: this.credentials.accountId, object: this.recordingObject(m) },
    });
  }

  /** Signs and posts a body as Zoom does; `timestamp`/`signature` override for refused-request tests. */
  async sendSigned(url: string, secret: string, body: string, override: { timestamp?: string; signature?: string } = {}): Promise<WebhookResult> {
    const timestamp = override.timestamp ?? String(Math.floor(Date.now() / 1000));
    const signature = override.signature ?? zoomSignature(secret, timestamp, body);
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'x-zm-request-timestamp': timestamp, 'x-zm-signature': signature }, body });
    const result = { status: response.status, body: await response.text() };
    this.webhookResults.push(result);
    return result;
  }

  private recordingObject(m: CloudMeeting): Record<string, unknown> {
    const file = (f: CloudMeeting['files'][number]) => ({
      id: f.id,
      meeting_id: m.uuid,
      recording_start: m.script.startTime,
      file_type: f.type,
      file_extension: extensionOf[f.type],
      file_name: f.participant ?? undefined,
      file_size: fileBody(f.type, 'x').length,
      download_url: `${this.url}/rec/download/${f.id}`,
      play_url: `${this.url}/rec/play/${f.id}`,
      status: f.status,
      recording_type: f.participant ? 'audio_only_each_participant' : recordingTypeOf[f.type],
    });
    return {
      id: Number(m.meetingId),
      uuid: m.uuid,
      host_id: 'sim-host',
      topic: m.script.topic ?? 'Simulated meeting',
      type: 2,
      start_time: m.script.startTime,
      duration: 30,
      recording_count: m.files.length,
      recording_files: m.files.filter((f) => !f.participant).map(file),
      participant_audio_files: m.files.filter((f) => f.participant).map(file),
    };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.calls.push(`${req.method ?? 'GET'} ${url.pathname}`);
    if (req.method === 'POST' && url.pathname === '/oauth/token') return this.token(req, res);
    if (url.pathname.startsWith('/rec/download/')) return this.download(res, url);
    if (!url.pathname.startsWith('/v2/')) return json(res, 404, { code: 404, message: 'Not found' });
    if (!this.accessTokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return json(res, 401, { code: 124, message: 'Invalid access token.' });
    const recordings = /^\/v2\/meetings\/([^/]+)\/recordings$/.exec(url.pathname);
    if (recordings?.[1]) return this.recordings(res, url, recordings[1]);
    const joinToken = /^\/v2\/meetings\/(\d+)\/jointoken\/local_recording$/.exec(url.pathname);
    if (joinToken) return json(res, 200, { token: this.issue(`local_recording:${joinToken[1] ?? ''}`, 'lrt', 120_000), expire_in: 120 });
    const meeting = /^\/v2\/meetings\/(\d+)$/.exec(url.pathname);
    if (meeting?.[1] && req.method === 'GET') return this.meeting(res, meeting[1]);
    const userToken = /^\/v2\/users\/([^/]+)\/token$/.exec(url.pathname);
    if (userToken && url.searchParams.get('type') === 'onbehalf') return json(res, 200, { token: this.issue('obf', 'obf', 7_200_000) });
    return json(res, 404, { code: 3001, message: 'Meeting does not exist.' });
  }

  private token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { clientId, clientSecret, accountId } = this.credentials;
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    return readBody(req).then((body) => {
      const form = new URLSearchParams(body);
      if (req.headers.authorization !== basic || form.get('grant_type') !== 'account_credentials' || form.get('account_id') !== accountId) {
        return json(res, 400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      }
      const token = `s2s-${randomBytes(12).toString('hex')}`;
      this.accessTokens.add(token);
      json(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3600, scope: 'cloud_recording:read:list_recording_files:admin meeting:read:local_recording_token:admin' });
    });
  }

  /**
   * Get a meeting: 200 for a meeting of this account, with its `settings.auto_recording`, and 404 with code 3001 for
   * one hosted elsewhere (as Zoom answers).
   */
  private meeting(res: ServerResponse, id: string): void {
    if (this.elsewhere.has(id)) return json(res, 404, { code: 3001, message: `Meeting does not exist: ${id}.` });
    const planned = this.meetings.get(id);
    const autoRecording = this.autoRecordings.get(id) ?? planned?.script.autoRecording ?? 'cloud';
    json(res, 200, {
      id: Number(id),
      uuid: planned?.uuid ?? `${randomBytes(16).toString('base64')}`,
      host_id: 'sim-host',
      topic: planned?.script.topic ?? 'Simulated meeting',
      type: 2,
      join_url: `https://acme.zoom.us/j/${id}`,
      settings: { auto_recording: autoRecording },
    });
  }

  /** `:id` is a meeting number or a UUID; UUIDs with `/` arrive double-encoded and are decoded twice. */
  private recordings(res: ServerResponse, url: URL, rawId: string): void {
    let id = decodeURIComponent(rawId);
    if (id.includes('%')) id = decodeURIComponent(id);
    const meeting = this.meetings.get(id) ?? [...this.meetings.values()].find((m) => m.uuid === id);
    if (!meeting) return json(res, 404, { code: 3301, message: 'This recording does not exist.' });
    const token = `api-${randomBytes(12).toString('hex')}`;
    this.apiDownloadTokens.add(token);
    const withToken = url.searchParams.get('include_fields') === 'download_access_token' ? { download_access_token: token } : {};
    json(res, 200, { ...this.recordingObject(meeting), ...withToken });
  }

  private download(res: ServerResponse, url: URL): void {
    const id = url.pathname.slice('/rec/download/'.length);
    const meeting = [...this.meetings.values()].find((m) => m.files.some((f) => f.id === id));
    const file = meeting?.files.find((f) => f.id === id);
    if (!meeting || !file) return json(res, 404, { code: 3301, message: 'File does not exist.' });
    const token = url.searchParams.get('access_token') ?? '';
    const webhookTokenValid = token === meeting.webhookToken && meeting.script.webhook.expiredToken !== true;
    if (!webhookTokenValid && !this.apiDownloadTokens.has(token)) return json(res, 401, { code: 124, message: 'Invalid access token.' });
    const tries = (this.downloadCounts.get(`try:${id}`) ?? 0) + 1;
    this.downloadCounts.set(`try:${id}`, tries);
    const fail = meeting.script.failDownloads;
    if (fail === 'always' || (typeof fail === 'number' && tries <= fail)) return json(res, 500, { code: 500, message: 'Internal error' });
    this.downloadCounts.set(`ok:${id}`, (this.downloadCounts.get(`ok:${id}`) ?? 0) + 1);
    const body = fileBody(file.type, meeting.script.topic ?? 'Simulated meeting');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
