import { watchCallPage } from '../browser/presence.js';
import type { InMeeting, JoinContext, PresenceEnd } from '../types.js';
import { closedVerdict } from './classify.js';
import { leaveMeeting, readState, type SdkState } from './sdk-page.js';

/**
 * The bot's presence once admitted: the SDK's `connection-change: Closed` reason says whether the host removed
 * the bot or ended the meeting; the attendee list (bot excluded) is the participant count and names them.
 * The host taking back the permission to record ends it too, as `recording_permission_denied`: the page has
 * already stopped recording (sdk-page.ts), and the bot leaves rather than sit in a meeting it may not record.
 */
export function zoomPresence(ctx: JoinContext): InMeeting {
  const { page } = ctx;
  let withdrawal: string | undefined;
  const presence = watchCallPage(page, ctx.log, {
    name: 'zoom',
    async poll() {
      const state = await readState(page).catch(() => undefined);
      if (state?.withdrawnAt != null) {
        withdrawal = withdrawnReason(state.withdrawnAt);
        ctx.log.warn({ withdrawnAt: new Date(state.withdrawnAt).toISOString() }, 'the host withdrew the permission to record; recording stopped');
        return ['recording_permission_denied', withdrawal];
      }
      if (state?.closed == null) return undefined;
      const verdict = closedVerdict(state.closed, 'meeting');
      return [verdict.endCode, `Zoom closed the meeting: ${verdict.reason}`];
    },
    async participantCount() {
      const state = await readState(page).catch(() => undefined);
      return state?.phase === 'joined' ? state.attendees.filter((a) => !a.self).length : undefined;
    },
    leave: () => leaveMeeting(page),
  });
  return {
    ...presence,
    // The reason goes with the code to the timeline: denied this late means withdrawn, with what was recorded kept.
    ended: presence.ended.then((code): PresenceEnd => (code === 'recording_permission_denied' && withdrawal ? { endCode: code, reason: withdrawal } : code)),
    // The SDK names every attendee (`userName`); the bot is the one marked as the current user.
    async participantNames() {
      const state = await readState(page).catch(() => undefined);
      return state?.phase === 'joined' ? state.attendees.filter((a) => !a.self).map((a) => a.name) : undefined;
    },
  };
}

function withdrawnReason(withdrawnAt: NonNullable<SdkState['withdrawnAt']>): string {
  return `the host withdrew the permission to record at ${new Date(withdrawnAt).toISOString()}; the bot stopped recording then and left, keeping what it had recorded before`;
}
