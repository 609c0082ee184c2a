import type { Logger } from 'pino';
import { prepareAudioCapture, startRecording, type ActiveRecording, type RecordingResult } from '../../providers/browser/audio-capture.js';
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
import { StaleAttemptError, staleFence, type AttemptFence, type SessionStore, type TransitionOptions } from '../sessions/session-store.js';
import type { SessionState } from '../sessions/states.js';
import type { AccountUse, SignedInBots } from '../scheduler/account-lease.js';
import { recordingPath } from './salvage.js';
import { withStoreRetry } from '../sessions/store-retry.js';
import type { AttemptEnd } from '../sessions/retry-policy.js';
import { deafReason, deafWatch, type Deafness } from './deaf.js';
import { abortCode, watchMeeting, type AutoLeaveRules, type WatchInputs } from './watch.js';

export interface BotSettings {
  botName: (session: Session) => Promise<string>;
  waitingRoomTimeoutMs: number;
  stepTimeoutMs: number;
  autoLeave: AutoLeaveRules;
  /** A bot that heard nothing for this long in a meeting ends `no_audio` rather than with the meeting's code. */
  noAudioAfterMs: number;
  /**
   * A bot that others are with but that receives no audio for this long leaves and rejoins at once, once per
   * session (deaf.ts); 0 or absent: it stays, and is labelled `no_audio` when it leaves.
   */
  deafRejoinMs?: number;
  /** The company's own other-bot names, counted with `autoLeave.otherBotNames`; absent: only those. */
  otherBotNames?: (session: Session) => Promise<readonly string[]>;
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
  /** When this process took the join: the join latency runs from here (browser start included). */
  startedAt: number;
  session: Session;
  log: Logger;
  signal: AbortSignal;
  dir: string;
  recording?: ActiveRecording;
  admittedAt?: number;
  /** Evidence the adapter already saved for this attempt (artifact ids). */
  evidence?: string[];
  /** The page when the bot left for a reason other than the meeting's normal course (removed, storage full). */
  inCallEvidence?: string[];
  /** The bot account this attempt signs in with (leased until the attempt ends), or why it goes as a guest. */
  account?: AccountUse;
  /** Why the bot left a meeting that goes on to rejoin it, when it was deaf there (deaf.ts). */
  deafReason?: string;
}

/**
 * Moves the attempt's session, fenced by the attempt and the worker that leased it: a bot whose worker lost its
 * lease may still be running, and the store refuses its late moves instead of moving the attempt recovery started.
 */
function move(deps: RunnerDeps, session: Session, to: SessionState, options: TransitionOptions): Promise<Session> {
  const landed = async () => {
    const current = await deps.sessions.get(session.id);
    return current && current.state === to && !staleFence(fenceOf(session), current) ? current : undefined;
  };
  return withStoreRetry(() => deps.sessions.transition(session.id, to, { ...options, fence: fenceOf(session) }), landed);
}

const fenceOf = (session: Session): AttemptFence => ({ attempt: session.attempt, workerId: session.workerId });

/** The auto-leave rules for this session: the installation's, with the company's own other-bot names added. */
async function leaveRules(deps: RunnerDeps, session: Session): Promise<AutoLeaveRules> {
  const own = (await deps.settings.otherBotNames?.(session)) ?? [];
  const rules = deps.settings.autoLeave;
  return own.length === 0 ? rules : { ...rules, otherBotNames: [...(rules.otherBotNames ?? []), ...own] };
}

/**
 * One attempt of one bot: join through the provider's adapter, record, leave, store the recording.
 * Every outcome ends the session with an end code; the caller applies the retry policy afterwards.
 */
export async function runBot(deps: RunnerDeps, session: Session, signal: AbortSignal): Promise<Session & AttemptEnd> {
  const log = sessionLogger(deps.logger, { ...session, sessionId: session.id });
  const run: Attempt = { session, log, signal, dir: deps.artifacts.dirFor(session.id), startedAt: Date.now() };
  let bot: BotBrowser | undefined;
  deps.metrics.activeBots.inc();
  try {
    // Before `joining` and the browser slot: an attempt the account decision ends holds neither.
    run.account = await deps.accounts?.forAttempt(session, signal, log);
    const busy = run.account?.busy;
    if (busy?.wall) throw new SessionError(busy.wall, 'account', busy.reason);
    await move(deps, session, 'joining', { code: 'bot_starting' });
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
    phases = phases.then(() => reportPhase(deps, session, next, log));
  };
  const providerSettings = await deps.settings.providerSettings?.(session);
  // The meeting's passcode as the invite or request stated it (a Session holds only its mask).
  const passcode = await deps.sessions.passcode(session.id);
  const rules = await leaveRules(deps, session);
  log.info({ url: match.ref.url }, 'joining meeting');
  const inMeeting: InMeeting = await Promise.race([
    match.adapter.join({
      page: bot.page,
      ref: passcode === undefined ? match.ref : { ...match.ref, passcode },
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
  const recording = await startRecording(bot.page, { file, log });
  run.recording = recording;
  let reason: string | undefined;
  // A file that cannot be written records nothing more: leave rather than stay in the meeting for nothing.
  const storageFull = recording.failed.then((error): EndCode => {
    reason = `the recording could not be written: ${error.message}`;
    return 'storage_full';
  });
  await phases;
  deps.metrics.joinLatency.observe((run.admittedAt - run.startedAt) / 1000);
  await move(deps, session, 'recording', { code: 'admitted', details: { joinMs: run.admittedAt - run.startedAt } });
  // In, signed in: the account's sign-in holds, and a mark it had from a refused one is cleared.
  await run.account?.report?.({ admitted: true });
  const endCode = await watchMeeting({
    ended: Promise.race([inMeeting.ended, storageFull]),
    crashed: bot.crashed,
    signal,
    participantCount: () => inMeeting.participantCount(),
    participantNames: () => inMeeting.participantNames?.() ?? Promise.resolve(undefined),
    explain: (_code, why) => (reason = why),
    lastSoundAt: () => run.recording?.lastSoundAt() ?? 0,
    ...watchForDeafness(deps, run, recording),
    admittedAt: run.admittedAt,
    ...(inMeeting.seenBeforeRecording ? { seenBefore: inMeeting.seenBeforeRecording } : {}),
    rules,
  });
  // A killed browser also closes its pages, which an adapter may read as the meeting's end: give the
  // crash signal a moment to arrive before believing a provider-side end.
  if (endCode === 'browser_crashed' || (await crashedWithin(bot, 500))) {
    throw new SessionError('browser_crashed', 'recording', 'the bot browser crashed during the meeting');
  }
  // A removal is the meeting's word against the bot's (false removals happen): keep the page as it was, before leaving.
  if (endCodes[endCode].kind !== 'normal') {
    const kept = await keepEvidence(deps, run, bot, 'in_call').catch((error: unknown) => log.warn({ err: error }, 'could not keep the page as evidence'));
    if (kept) run.inCallEvidence = kept;
  }
  log.info({ endCode, ...(reason ? { reason } : {}) }, reason ? `leaving meeting: ${reason}` : 'leaving meeting');
  await move(deps, session, 'leaving', { code: endCode, ...(reason ? { details: { reason } } : {}) });
  await inMeeting.leave();
  return endCode;
}

function crashedWithin(bot: BotBrowser, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([bot.crashed.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

async function reportPhase(deps: RunnerDeps, session: Session, phase: JoinPhase, log: Logger): Promise<void> {
  const current = await deps.sessions.get(session.id);
  if (current?.state === phase) return;
  log.info({ phase }, phase === 'waiting_room' ? 'waiting to be admitted' : 'waiting for recording permission');
  await move(deps, session, phase, { code: phase });
}

async function finishRecorded(deps: RunnerDeps, run: Attempt, meetingEnd: EndCode): Promise<Session & AttemptEnd> {
  const { session, log } = run;
  await move(deps, session, 'processing', { code: 'finalizing_recording' });
  const recording = run.recording;
  if (!recording) throw new SessionError('internal_error', 'processing', 'no recording to finalize');
  // Anything heard at all: a deaf bot (no audio reaching its page) records only silence, however long it stays.
  const heard = recording.firstSoundAt() !== undefined;
  const result = await recording.stop();
  const { writeError } = result;
  // A file the disk refused holds only what came before: kept if anything, but the attempt did not record the meeting.
  const audio = { sessionId: session.id, attempt: session.attempt, kind: 'audio' as const, path: result.file, durationMs: result.durationMs };
  const stored = async () => (await deps.artifacts.list(session.id)).find((a) => a.path === result.file);
  const artifact = writeError && result.bytes === 0 ? undefined : await withStoreRetry(() => deps.artifacts.add(audio), stored);
  log.info({ file: result.file, durationMs: result.durationMs, bytes: result.bytes }, writeError ? 'recording incomplete' : 'recording saved');
  const inMeetingMs = Date.now() - (run.admittedAt ?? Date.now());
  const endCode: EndCode = writeError ? 'storage_full' : !heard && inMeetingMs >= deps.settings.noAudioAfterMs ? 'no_audio' : meetingEnd;
  const state = endCodes[endCode].kind === 'normal' ? 'done' : 'failed';
  if (state === 'failed') deps.metrics.failures.inc({ end_code: endCode });
  // Left deaf to rejoin: the end says so, and the bot run's result tells the retry decision (retry-policy.ts `Rejoin`).
  const rejoin = run.deafReason !== undefined && endCode === 'no_audio';
  const ended = await move(deps, session, state, {
    code: state === 'done' ? 'recorded' : endCode,
    endCode,
    details: {
      ...(artifact ? { artifactId: artifact.id } : {}),
      durationMs: result.durationMs,
      meetingEnd,
      ...(writeError ? { writeError } : {}),
      ...(run.inCallEvidence ? { evidence: run.inCallEvidence } : {}),
      ...(rejoin ? { reason: run.deafReason, rejoin: 'deaf' } : {}),
    },
  });
  return rejoin ? { ...ended, rejoin: 'deaf' } : ended;
}

/** The timeline event of a bot that found itself deaf; one with `rejoin: true` is the session's one deaf rejoin. */
const deafEvent = 'joined_deaf';

/** The deaf rule for this attempt's watch, when on (deaf.ts). */
function watchForDeafness(deps: RunnerDeps, run: Attempt, recording: ActiveRecording): Pick<WatchInputs, 'deaf'> {
  const afterMs = deps.settings.deafRejoinMs ?? 0;
  if (afterMs <= 0) return {};
  const { session, log } = run;
  const note = (seen: Deafness, rejoin: boolean) => {
    const details = { participants: seen.participants, tracks: seen.tracks, unmuted: seen.unmuted, forSeconds: Math.round(seen.forMs / 1000), rejoin };
    return deps.sessions.note(session.id, deafEvent, details, fenceOf(session));
  };
  const deaf = deafWatch({
    afterMs,
    recording,
    mayRejoin: async () => !(await deps.sessions.timeline(session.id)).some((e) => e.code === deafEvent && e.details?.['rejoin'] === true),
    leaving: async (seen) => {
      run.deafReason = deafReason(seen);
      log.warn({ ...seen }, run.deafReason);
      await note(seen, true);
    },
    staying: async (seen) => {
      log.warn({ ...seen }, 'joined but deaf again after rejoining once: staying, to be labelled when the bot leaves');
      await note(seen, false);
    },
  });
  return { deaf };
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
  // Consent holds whichever attempt heard the decline; the timeline entry is only the current attempt's to write.
  await deps.sessions.note(session.id, 'recording_deleted', { reason: 'consent_declined', recordings: current + earlier }, fenceOf(session));
  // The transition table ends a recording session only through `leaving`.
  if ((await deps.sessions.get(session.id))?.state === 'recording') await move(deps, session, 'leaving', { code: 'consent_declined' });
  return move(deps, session, 'cancelled', {
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
  const message = error instanceof Error ? error.message : String(error);
  const subCode = isSessionError(error) ? error.subCode : undefined;
  const details: Record<string, unknown> = { step, message, ...(subCode ? { subCode } : {}) };
  // A sign-in the identity provider refused for good marks the leased account, so later meetings pass over it.
  await run.account?.report?.({ admitted: false, endCode, message, ...(subCode ? { subCode } : {}) });
  // A guest because every bot account was busy: the requester's mail says so, next to the wall or denial it met.
  if (run.account?.busy) details.reason = run.account.busy.reason;
  if (run.recording) {
    const partial = await keepPartial(deps, session, await run.recording.stop());
    if (partial) details.partialRecording = partial;
  } else if (run.evidence) {
    details.evidence = run.evidence;
  } else if (bot && endCodes[endCode].kind !== 'normal') {
    details.evidence = await keepEvidence(deps, run, bot, step);
  }
  const current = await deps.sessions.get(session.id);
  // An operator stop or a consent decline before the bot got in cancels the attempt; anything else is a failure.
  const state = (endCode === 'stopped_by_operator' || endCode === 'consent_declined') && !run.recording ? 'cancelled' : 'failed';
  // Recovery elsewhere took the session (it ended this attempt, and may run the next): nothing here is ours to write.
  const fence = fenceOf(session);
  if (current && staleFence(fence, current)) throw new StaleAttemptError(session.id, current.state, state, fence, current);
  if (state === 'failed') deps.metrics.failures.inc({ end_code: endCode });
  if (!current || current.state === 'failed' || current.state === 'cancelled' || current.state === 'done') return current ?? session;
  return move(deps, session, state, { code: endCode, endCode, details });
}

/** Keeps what was recorded before the failure, unless nothing reached the disk or recovery already kept it. */
async function keepPartial(deps: RunnerDeps, session: Session, partial: RecordingResult): Promise<string | undefined> {
  if (partial.bytes === 0) return undefined;
  const known = (await deps.artifacts.list(session.id)).find((a) => a.path === partial.file);
  if (known) return known.id;
  return (await deps.artifacts.add({ sessionId: session.id, attempt: session.attempt, kind: 'audio', path: partial.file, durationMs: partial.durationMs })).id;
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
