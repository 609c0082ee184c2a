import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MeetingLookup, SimProvider } from '../core/types.js';
import type { ZoomApiSim } from './api.js';
import { hostOf, zoomPlan, zoomScriptSchema, type ParsedZoomScript } from './script.js';
import { sdkStandInJs } from './sdk.js';

/** The Meeting SDK app the simulated Zoom accepts signatures from (test/zoom/fixtures.ts uses it). */
export const simSdkApp = { key: 'sim-sdk-key', secret: 'sim-sdk-secret' } as const;

const meetingHost = 'zoom.us';
const cdnHost = 'source.zoom.us';
const sdkPath = /^\/[\d.]+\/zoom-meeting-embedded-[\d.]+\.min\.js$/;

const joinRefusals = {
  notExist: { errorCode: 3001, reason: 'Meeting does not exist.' },
  wrongPasscode: { errorCode: 3004, reason: 'Wrong meeting password.' },
  notStarted: { errorCode: 3008, reason: 'Meeting has not started.' },
  full: { errorCode: 4005, reason: 'Meeting is full.' },
  badSignature: { errorCode: 3712, reason: 'Signature is invalid.' },
  token: { errorCode: 3265, reason: 'Token error.' },
  // The reference names this error but gives no Web SDK number (providers/zoom/selectors.ts sdkErrorNames).
  authorizerAbsent: { errorName: 'MEETING_FAIL_AUTHORIZED_USER_NOT_INMEETING', reason: 'The authorized user is not in the meeting.' },
} as const;

export function passcodeOf(code: string): string {
  return `Sim${code.slice(-4)}`;
}

/**
 * Zoom for the local-recording bot: the SDK stand-in on Zoom's CDN host, and on zoom.us the join check, the
 * recording-privilege request (answered as scripted) and the room's socket. Join links are `/j/<number>?pwd=`.
 */
export function zoomSimProvider(api: () => ZoomApiSim): SimProvider {
  /** When the bot first tried each meeting: `startAfterMs` counts from there. */
  const firstTry = new Map<string, number>();
  const scriptOf = (meetings: MeetingLookup, code: string): ParsedZoomScript | undefined => {
    const raw = meetings.scriptOf?.('zoom', code);
    return raw === undefined ? undefined : zoomScriptSchema.parse(raw);
  };

  const join = (body: Record<string, unknown>, meetings: MeetingLookup): Record<string, unknown> => {
    const code = String(body['meetingNumber'] ?? '');
    const script = scriptOf(meetings, code);
    if (!script) return { ok: false, ...joinRefusals.notExist };
    if (!validSignature(String(body['signature'] ?? ''), code)) return { ok: false, ...joinRefusals.badSignature };
    meetings.openedByBot('zoom', code);
    if (script.gate === 'bot_wall') {
      meetings.note?.('zoom', code, 'blocked');
      return { gate: 'bot_wall' };
    }
    if (script.gate === 'captcha') {
      meetings.note?.('zoom', code, 'captcha');
      return { gate: 'captcha' };
    }
    const first = firstTry.get(code) ?? Date.now();
    firstTry.set(code, first);
    const obf = typeof body['obfToken'] === 'string' ? body['obfToken'] : undefined;
    if (obf !== undefined && !api().takeToken('obf', obf)) return { ok: false, ...joinRefusals.token };
    if (script.outsideAccount && obf === undefined) return { ok: false, ...joinRefusals.token };
    if (body['password'] !== (script.passcodeChanged ? `${passcodeOf(code)}x` : passcodeOf(code))) return { ok: false, ...joinRefusals.wrongPasscode };
    const authorizerIn = script.authorizerJoinsAfterMs === undefined || (script.authorizerJoinsAfterMs !== null && Date.now() - first >= script.authorizerJoinsAfterMs);
    if (obf !== undefined && !authorizerIn) return { ok: false, ...joinRefusals.authorizerAbsent };
    if (script.startAfterMs === null || Date.now() - first < script.startAfterMs) return { ok: false, ...joinRefusals.notStarted };
    if (script.full) {
      meetings.note?.('zoom', code, 'full');
      return { ok: false, ...joinRefusals.full };
    }
    const recordingToken = typeof body['recordingToken'] === 'string' ? body['recordingToken'] : undefined;
    const privileged = recordingToken !== undefined && api().takeToken(`local_recording:${code}`, recordingToken);
    if (privileged) meetings.note?.('zoom', code, 'permission_granted', 'join token');
    const recordingApi = { recordingApi: script.recordingApi, ...(script.recordingApiError === undefined ? {} : { recordingApiError: script.recordingApiError }) };
    return { ok: true, hostName: hostOf(script), privilege: privileged ? 'granted' : 'none', ...recordingApi };
  };

  const privilege = (res: ServerResponse, body: Record<string, unknown>, meetings: MeetingLookup): void => {
    const code = String(body['meetingNumber'] ?? '');
    const script = scriptOf(meetings, code);
    if (!script) return json(res, 404, { status: 'error' });
    meetings.note?.('zoom', code, 'permission_requested');
    const { answer, afterMs } = script.permission;
    // `none`: the request stays unanswered until the bot gives up (its page closes the connection).
    if (answer === 'none') return;
    setTimeout(() => {
      meetings.note?.('zoom', code, answer === 'granted' ? 'permission_granted' : 'permission_denied', 'host');
      json(res, 200, { status: answer });
    }, afterMs).unref();
  };

  return {
    id: 'zoom',
    hosts: [meetingHost, cdnHost],
    parseScript(raw: unknown) {
      const script = zoomScriptSchema.parse(raw ?? {});
      return { script, plan: zoomPlan(script) };
    },
    newCode(taken) {
      for (;;) {
        const code = String(randomInt(10_000_000_000, 99_999_999_999));
        if (!taken(code)) return code;
      }
    },
    joinUrl: (code) => `https://${meetingHost}/j/${code}?pwd=${passcodeOf(code)}`,
    serve(req: IncomingMessage, res: ServerResponse, url: URL, meetings: MeetingLookup) {
      if (url.hostname === cdnHost) {
        if (!sdkPath.test(url.pathname)) return void res.writeHead(404).end();
        api().sdkLoads.push(url.pathname.split('/')[1] ?? '');
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
        return void res.end(sdkStandInJs(`https://${meetingHost}`));
      }
      if (req.method === 'POST' && (url.pathname === '/_sim/zoom/join' || url.pathname === '/_sim/zoom/privilege')) {
        void readJson(req).then((body) => (url.pathname === '/_sim/zoom/join' ? json(res, 200, join(body, meetings)) : privilege(res, body, meetings)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Zoom</title><h1>Join from your browser through the Meeting SDK</h1>');
    },
  };
}

/** HS256 over `header.payload` with the app's secret, the app key and meeting number in the claims, not expired. */
function validSignature(jwt: string, meetingNumber: string): boolean {
  const [header, payload, mac] = jwt.split('.');
  if (!header || !payload || !mac) return false;
  const expected = createHmac('sha256', simSdkApp.secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Date.now() / 1000;
    return (claims['appKey'] ?? claims['sdkKey']) === simSdkApp.key && String(claims['mn']) === meetingNumber && Number(claims['exp']) > now && Number(claims['iat']) <= now + 60;
  } catch {
    return false;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
