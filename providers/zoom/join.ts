import { setTimeout as delay } from 'node:timers/promises';
import { SessionError } from '../../src/sessions/session-error.js';
import { openMeetingPage } from '../browser/open-page.js';
import type { InMeeting, JoinContext } from '../types.js';
import { classifyJoin, type JoinReading } from './classify.js';
import { zoomPresence } from './in-meeting.js';
import { obtainRecordingPermission } from './permission.js';
import { botPageUrl, installBotPage, leaveMeeting, readState, startJoin, type SdkJoinConfig, type SdkState } from './sdk-page.js';
import { sdkScriptUrl } from './selectors.js';
import { joinSettings, type ZoomJoinSettings } from './settings.js';
import { sdkSignature } from './signature.js';

const pollMs = 500;
/** A meeting that has not started is joined again this often until the waiting-room timeout. */
const notStartedRetryMs = 3_000;

/**
 * Joins through the Meeting SDK for Web on Quorum's own page: signs the SDK signature, mints the OBF and
 * local-recording tokens when the company set them up, waits out the waiting room and a meeting that has not
 * started, then gets permission to record (the host's, or the join token's) before it reports admission.
 */
export async function joinZoom(ctx: JoinContext): Promise<InMeeting> {
  if (ctx.signal.aborted) throw new SessionError('stopped_by_operator', 'open');
  const settings = joinSettings(ctx);
  ctx.log.debug({ sdkVersion: settings.sdkVersion }, 'opening the Zoom bot page');
  await installBotPage(ctx.page, sdkScriptUrl(settings.sdkVersion));
  await openMeetingPage({ ...ctx, ref: { ...ctx.ref, url: botPageUrl } });
  await admitted(ctx, settings);
  const presence = zoomPresence(ctx);
  try {
    await obtainRecordingPermission(ctx, settings);
  } catch (error) {
    // Not recording and not admitted as far as the runner knows: leave Zoom here, the runner cannot.
    await ctx.saveEvidence('permission').catch(() => undefined);
    await presence.leave();
    throw error;
  }
  // Whoever was there while the host was asked: they joined, even if all of them left before the bot could record.
  const seen = (await readState(ctx.page).catch(() => undefined))?.seen ?? [];
  return seen.length > 0 ? { ...presence, seenBeforeRecording: seen } : presence;
}

async function admitted(ctx: JoinContext, settings: ZoomJoinSettings): Promise<void> {
  const deadline = Date.now() + ctx.waitingRoomTimeoutMs;
  for (;;) {
    const config = await joinConfig(ctx, settings);
    await startJoin(ctx.page, config).catch((error: unknown) => {
      throw new SessionError('browser_crashed', 'join', 'the bot page closed while joining', { cause: error });
    });
    const reading = await settled(ctx, deadline);
    if (reading.kind === 'admitted') {
      ctx.log.info('admitted to the Zoom meeting');
      return;
    }
    // Zoom refuses the join until the host starts the meeting (join before host off), and an OBF join until the
    // token's authorizing user is in the meeting (providers.md §3.2): join again later, with a fresh OBF token.
    ctx.phase('waiting_room');
    const absent = reading.kind === 'authorizer_absent';
    if (Date.now() + notStartedRetryMs > deadline) {
      throw new SessionError('meeting_not_started', 'join', absent ? `the OBF token's authorizing user (${settings.authorizingUserId ?? '?'}) did not join the meeting in time` : 'the host did not start the meeting in time');
    }
    ctx.log.debug(absent ? "the OBF token's authorizing user is not in the meeting yet; joining again shortly" : 'the meeting has not started; joining again shortly');
    await wait(ctx, notStartedRetryMs);
  }
}

/** Polls the page until the join is in, refused, or (not started, authorizer absent) worth another try. */
async function settled(ctx: JoinContext, deadline: number): Promise<Extract<JoinReading, { kind: 'admitted' | 'not_started' | 'authorizer_absent' }>> {
  const stepDeadline = Date.now() + ctx.stepTimeoutMs;
  let waitingSince: number | undefined;
  for (;;) {
    const state = await read(ctx);
    const reading = classifyJoin(state);
    if (reading.kind === 'admitted' || reading.kind === 'not_started' || reading.kind === 'authorizer_absent') return reading;
    if (reading.kind === 'failed') {
      ctx.log.warn({ endCode: reading.endCode }, `zoom join failed: ${reading.reason}`);
      await ctx.saveEvidence('join').catch(() => undefined);
      throw new SessionError(reading.endCode, 'join', reading.reason);
    }
    if (reading.kind === 'waiting_room') {
      if (waitingSince === undefined) {
        waitingSince = Date.now();
        ctx.log.info('in the Zoom waiting room');
        ctx.phase('waiting_room');
      }
      if (Date.now() > deadline) {
        await ctx.saveEvidence('waiting-room').catch(() => undefined);
        await leaveMeeting(ctx.page);
        throw new SessionError('waiting_room_timeout', 'waiting_room', 'nobody admitted the bot in time');
      }
    } else if (Date.now() > stepDeadline) {
      await ctx.saveEvidence('join').catch(() => undefined);
      throw new SessionError('ui_changed', 'join', `the Meeting SDK never answered the join (${state.phase})`);
    }
    await wait(ctx, pollMs);
  }
}

async function read(ctx: JoinContext): Promise<SdkState> {
  if (ctx.signal.aborted) {
    await leaveMeeting(ctx.page);
    throw new SessionError('stopped_by_operator', 'join');
  }
  try {
    return await readState(ctx.page);
  } catch (error) {
    throw new SessionError('browser_crashed', 'join', 'the bot page closed while joining', { cause: error });
  }
}

/** Signature, passcode, and the tokens Zoom wants for this join; made fresh each time (OBF is single-use). */
async function joinConfig(ctx: JoinContext, settings: ZoomJoinSettings): Promise<SdkJoinConfig> {
  const url = new URL(ctx.ref.url);
  const config: SdkJoinConfig = {
    sdkKey: settings.sdkKey,
    signature: sdkSignature(settings.sdkKey, settings.sdkSecret, settings.meetingNumber),
    meetingNumber: settings.meetingNumber,
    // The link's `pwd` first; without one, the passcode the invite states ("Passcode:" under "Meeting ID:").
    password: url.searchParams.get('pwd') || ctx.ref.passcode || '',
    userName: ctx.botName,
  };
  const tk = url.searchParams.get('tk');
  if (tk) config.tk = tk;
  if (settings.authorizingUserId) config.obfToken = await settings.token('obf', () => settings.api().onBehalfToken(settings.authorizingUserId ?? ''));
  if (settings.automatic) config.recordingToken = await settings.token('local recording', () => settings.api().localRecordingJoinToken(settings.meetingNumber));
  return config;
}

/** Abortable: a stop ends the wait at once and the next read turns it into `stopped_by_operator`. */
async function wait(ctx: JoinContext, ms: number): Promise<void> {
  await delay(ms, undefined, { signal: ctx.signal }).catch(() => undefined);
}
