import { setTimeout as delay } from 'node:timers/promises';
import { SessionError } from '../../src/sessions/session-error.js';
import type { JoinContext } from '../types.js';
import { closedVerdict } from './classify.js';
import { readState, requestPrivilege, type SdkState } from './sdk-page.js';
import type { ZoomJoinSettings } from './settings.js';

const pollMs = 500;
/** With a local-recording join token the privilege arrives with admission; this long is plenty. */
const automaticGraceMs = 5_000;

/**
 * The bot is in; it may record only with local-recording privilege. A join token grants it on admission;
 * otherwise the host is asked (once present) and the bot waits for the answer.
 */
export async function obtainRecordingPermission(ctx: JoinContext, settings: ZoomJoinSettings): Promise<void> {
  ctx.phase('awaiting_permission');
  if (settings.automatic) {
    if ((await until(ctx, automaticGraceMs, (s) => s.privilege === 'granted')) !== undefined) {
      ctx.log.info('recording privilege granted by the local-recording join token');
      return;
    }
    ctx.log.warn('the local-recording join token brought no recording privilege; asking the host');
  }
  const host = await until(ctx, settings.hostAbsentWaitMs, (s) => s.attendees.some((a) => a.host && !a.self));
  if (host === undefined) throw new SessionError('host_absent', 'permission', `no host in the meeting within ${settings.hostAbsentWaitMs / 1000} s`);
  ctx.log.info('asking the host for permission to record');
  await requestPrivilege(ctx.page);
  const answered = await until(ctx, settings.permissionTimeoutMs, (s) => s.privilege !== 'requested' && s.privilege !== 'none');
  const answer = answered?.privilege ?? 'timeout';
  if (answer === 'error') {
    // The request never reached the host: not the host's silence, so not recording_permission_timeout.
    // The page's text: bounded, it lands in the timeline and the logs.
    const detail = (answered?.privilegeError ?? 'no detail').slice(0, 300);
    ctx.log.warn({ detail }, 'the Meeting SDK could not ask the host for recording permission');
    throw new SessionError('recording_permission_unavailable', 'permission', `the meeting client could not ask the host for recording permission: ${detail}`);
  }
  ctx.log.info({ answer }, 'the host answered the recording request');
  if (answer === 'granted') return;
  if (answer === 'denied') throw new SessionError('recording_permission_denied', 'permission', 'the host denied the bot permission to record');
  throw new SessionError('recording_permission_timeout', 'permission', `the host did not answer within ${settings.permissionTimeoutMs / 1000} s`);
}

/** Polls until `done` holds (the reading) or `ms` pass (undefined); a meeting closing meanwhile ends the join. */
async function until(ctx: JoinContext, ms: number, done: (state: SdkState) => boolean): Promise<SdkState | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (ctx.signal.aborted) throw new SessionError('stopped_by_operator', 'permission');
    const state = await readState(ctx.page).catch((error: unknown) => {
      throw new SessionError('browser_crashed', 'permission', 'the bot page closed', { cause: error });
    });
    if (state.closed !== null) {
      const verdict = closedVerdict(state.closed, 'meeting');
      throw new SessionError(verdict.endCode, 'permission', verdict.reason);
    }
    // Given and taken back before the recording began: the page records nothing more, so this is the host's no.
    if (state.withdrawnAt !== null) throw new SessionError('recording_permission_denied', 'permission', 'the host withdrew the permission to record before the recording started');
    if (done(state)) return state;
    if (Date.now() >= deadline) return undefined;
    await delay(pollMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
}
