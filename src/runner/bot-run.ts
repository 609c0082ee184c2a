import type { Logger } from 'pino';
import { prepareAudioCapture, startRecording, type ActiveRecording } from '../../providers/browser/audio-capture.js';
import { saveEvidence } from '../../providers/browser/evidence.js';
import type { BotBrowser, BrowserPool } from '../../providers/browser/pool.js';
import { matchLink } from '../../providers/registry.js';
import type { InMeeting, JoinPhase } from '../../providers/types.js';
import { sessionLogger } from '../logging/logger.js';
import type { Metrics } from '../metrics.js';
import type { ArtifactStore } from '../sessions/artifacts.js';
import { endCodes, type EndCode } from '../sessions/end-codes.js';
import type { Session } from '../sessions/session.js';
import { SessionError, isSessionError } from '../sessions/session-error.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { AccountUse, SignedInBots } from '../scheduler/account-lease.js';
import { recordingPath } from './salvage.js';
import { abortCode, watchMeeting, type AutoLeaveRules } from './watch.js';

export interface BotSettings {
  botName: (session: Session) => Promise<string>;
  waitingRoomTimeoutMs: number;
  stepTimeoutMs: number;
  autoLeave: AutoLeaveRules;
  /** A bot that heard nothing for this long in a meeting ends `no_audio` rather than with the meeting's code. */
  noAudioAfterMs: number;
  /** The company's `providers.<provider>` settings for the adapter (JoinContext.providerSettings); absent: none. */
  providerSettings?: (session: Session) => Promise<Record<string, unknown> | undefined>;
}

export interface RunnerDeps {
  sessions: SessionStore;
  artifacts: ArtifactStore;
  pool: BrowserPool;
  logger: Logger;
  metrics: Metrics;
  settings: BotSettings;
  /** Decides per attempt whether the bot joins signed in and holds that account's lease; absent: anonymous. */
  accounts?: Pick<SignedInBots, 'forAttempt'>;
}

interface Attempt {
  session: Session;
  log: Logger;
  signal: AbortSignal;
  dir: string;
  recording?: ActiveRecording;
  admittedAt?: number;
  /** Evidence the adapter already saved for this attempt (artifact ids). */
  evidence?: string[];
  /** The bot account this attempt signs in with, leased until the attempt ends. */
  account?: AccountUse;
}

/**
 * One attempt of one bot: join through the provider's adapter, record, leave, store the recording.
 * Every outcome ends the session with an end code; the caller applies the retry policy afterwards.
 */
export async function runBot(deps: RunnerDeps, session: Session, signal: AbortSignal): Promise<Session> {
  const log = sessionLogger(deps.logger, { ...session, sessionId: session.id });
  const run: Attempt = { session, log, signal, dir: deps.artifacts.dirFor(session.id) };
  let bot: BotBrowser | undefined;
  deps.metrics.activeBots.inc();
  try {
    await deps.sessions.transition(session.id, 'joining', { code: 'bot_starting' });
    bot = await deps.pool.acquire({ prepare: (context) => prepareAudioCapture(context) });
    const endCode = await attend(deps, run, bot);
    return endCode === 'consent_declined' ? await finishDeclined(deps, run, 'leaving') : await finishRecorded(deps, run, endCode);
  } catch (error) {
    return await finishFailed(deps, run, bot, error);
  } finally {
    deps.metrics.activeBots.dec();
    await run.account?.release();
    await bot?.release();
  }
}

async function attend(deps: RunnerDeps, run: Attempt, bot: BotBrowser): Promise<EndCode> {
  const { session, log, signal } = run;
  const match = matchLink(session.meetingUrl);
  if (!match) throw new SessionError('meeting_not_found', 'match', `no adapter recognizes ${session.meetingUrl}`);
  const crashed = bot.crashed.then(() => {
    throw new SessionError('browser_crashed', 'join', 'the bot browser crashed while joining');
  });
  let phases = Promise.resolve();
  const phase = (next: JoinPhase) => {
    phases = phases.then(() => reportPhase(deps, session.id, next, log));
  };
  run.account = await deps.accounts?.forAttempt(session, signal, log);
  const providerSettings = await deps.settings.providerSettings?.(session);
  const dispatchedAt = Date.now();
  log.info({ url: match.ref.url }, 'joining meeting');
  const inMeeting: InMeeting = await Promise.race([
    match.adapter.join({
      page: bot.page,
      ref: match.ref,
      botName: await deps.settings.botName(session),
      log,
      signal,
      waitingRoomTimeoutMs: deps.settings.waitingRoomTimeoutMs,
      stepTimeoutMs: deps.settings.stepTimeoutMs,
      phase,
      saveEvidence: async (label) => {
        run.evidence = await keepEvidence(deps, run, bot, label);
      },
      ...run.account?.join,
      ...(providerSettings ? { providerSettings } : {}),
    }),
    crashed,
  ]);
  run.admittedAt = Date.now();
  // Record first: every store write before the recorder starts is audio lost from the meeting.
  const file = recordingPath(run.dir, session.attempt);
  run.recording = await startRecording(bot.page, { file, log });
  await phases;
  deps.metrics.joinLatency.observe((run.admittedAt - dispatchedAt) / 1000);
  await deps.sessions.transition(session.id, 'recording', { code: 'admitted', details: { joinMs: run.admittedAt - dispatchedAt } });
  let reason: string | undefined;
  const endCode = await watchMeeting({
    ended: inMeeting.ended,
    crashed: bot.crashed,
    signal,
    participantCount: () => inMeeting.participantCount(),
    participantNames: () => inMeeting.participantNames?.() ?? Promise.resolve(undefined),
    explain: (_code, why) => (reason = why),
    lastSoundAt: () => run.recording?.lastSoundAt() ?? 0,
    admittedAt: run.admittedAt,
    rules: deps.settings.autoLeave,
  });
  // A killed browser also closes its pages, which an adapter may read as the meeting's end: give the
  // crash signal a moment to arrive before believing a provider-side end.
  if (endCode === 'browser_crashed' || (await crashedWithin(bot, 500))) {
    throw new SessionError('browser_crashed', 'recording', 'the bot browser crashed during the meeting');
  }
  log.info({ endCode, ...(reason ? { reason } : {}) }, reason ? `leaving meeting: ${reason}` : 'leaving meeting');
  await deps.sessions.transition(session.id, 'leaving', { code: endCode, ...(reason ? { details: { reason } } : {}) });
  await inMeeting.leave();
  return endCode;
}

function crashedWithin(bot: BotBrowser, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([bot.crashed.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

async function reportPhase(deps: RunnerDeps, sessionId: string, phase: JoinPhase, log: Logger): Promise<void> {
  const current = await deps.sessions.get(sessionId);
  if (current?.state === phase) return;
  log.info({ phase }, phase === 'waiting_room' ? 'waiting to be admitted' : 'waiting for recording permission');
  await deps.sessions.transition(sessionId, phase, { code: phase });
}

async function finishRecorded(deps: RunnerDeps, run: Attempt, meetingEnd: EndCode): Promise<Session> {
  const { session, log } = run;
  await deps.sessions.transition(session.id, 'processing', { code: 'finalizing_recording' });
  const recording = run.recording;
  if (!recording) throw new SessionError('internal_error', 'processing', 'no recording to finalize');
  const heard = recording.lastSoundAt() > (run.admittedAt ?? 0);
  const result = await recording.stop();
  const artifact = await deps.artifacts.add({ sessionId: session.id, attempt: session.attempt, kind: 'audio', path: result.file, durationMs: result.durationMs });
  log.info({ file: result.file, durationMs: result.durationMs, bytes: result.bytes }, 'recording saved');
  const inMeetingMs = Date.now() - (run.admittedAt ?? Date.now());
  const endCode: EndCode = !heard && inMeetingMs >= deps.settings.noAudioAfterMs ? 'no_audio' : meetingEnd;
  const state = endCodes[endCode].kind === 'normal' ? 'done' : 'failed';
  if (state === 'failed') deps.metrics.failures.inc({ end_code: endCode });
  return deps.sessions.transition(session.id, state, {
    code: state === 'done' ? 'recorded' : endCode,
    endCode,
    details: { artifactId: artifact.id, durationMs: result.durationMs, meetingEnd },
  });
}

/**
 * A participant declined on the consent page while the bot was in the meeting: the bot has left, and
 * nothing it recorded of this meeting is kept (this attempt's file and any earlier attempt's).
 */
async function finishDeclined(deps: RunnerDeps, run: Attempt, step: string): Promise<Session> {
  const { session, log } = run;
  const current = run.recording ? 1 : 0;
  await run.recording?.discard();
  const earlier = await deps.artifacts.deleteRecordings(session.id);
  log.info({ deleted: current + earlier }, 'consent declined: the bot left and deleted its recording');
  await deps.sessions.note(session.id, 'recording_deleted', { reason: 'consent_declined', recordings: current + earlier });
  // The transition table ends a recording session only through `leaving`.
  if ((await deps.sessions.get(session.id))?.state === 'recording') await deps.sessions.transition(session.id, 'leaving', { code: 'consent_declined' });
  return deps.sessions.transition(session.id, 'cancelled', {
    code: 'consent_declined',
    endCode: 'consent_declined',
    details: { step, recordingDeleted: true },
  });
}

async function finishFailed(deps: RunnerDeps, run: Attempt, bot: BotBrowser | undefined, error: unknown): Promise<Session> {
  const { session, log, signal } = run;
  const endCode = toEndCode(error, signal);
  const step = isSessionError(error) ? error.step : 'run';
  if (endCode === 'consent_declined' && run.recording) return finishDeclined(deps, run, step);
  log.warn({ endCode, step, err: error }, `attempt ended: ${endCode}`);
  const details: Record<string, unknown> = { step, message: error instanceof Error ? error.message : String(error) };
  if (run.recording) {
    const partial = await run.recording.stop();
    const artifact = await deps.artifacts.add({ sessionId: session.id, attempt: session.attempt, kind: 'audio', path: partial.file, durationMs: partial.durationMs });
    details.partialRecording = artifact.id;
  } else if (run.evidence) {
    details.evidence = run.evidence;
  } else if (bot && endCodes[endCode].kind !== 'normal') {
    details.evidence = await keepEvidence(deps, run, bot, step);
  }
  const current = await deps.sessions.get(session.id);
  // An operator stop or a consent decline before the bot got in cancels the attempt; anything else is a failure.
  const state = (endCode === 'stopped_by_operator' || endCode === 'consent_declined') && !run.recording ? 'cancelled' : 'failed';
  if (state === 'failed') deps.metrics.failures.inc({ end_code: endCode });
  if (!current || current.state === 'failed' || current.state === 'cancelled' || current.state === 'done') return current ?? session;
  return deps.sessions.transition(session.id, state, { code: endCode, endCode, details });
}

async function keepEvidence(deps: RunnerDeps, run: Attempt, bot: BotBrowser, step: string): Promise<string[]> {
  const evidence = await saveEvidence(bot.page, run.dir, `attempt-${run.session.attempt}-${step}`);
  const ids: string[] = [];
  if (evidence.screenshot) ids.push((await deps.artifacts.add({ sessionId: run.session.id, attempt: run.session.attempt, kind: 'screenshot', path: evidence.screenshot })).id);
  if (evidence.html) ids.push((await deps.artifacts.add({ sessionId: run.session.id, attempt: run.session.attempt, kind: 'html', path: evidence.html })).id);
  return ids;
}

function toEndCode(error: unknown, signal: AbortSignal): EndCode {
  if (isSessionError(error)) return error.endCode;
  if (signal.aborted) return abortCode(signal);
  return 'internal_error';
}
