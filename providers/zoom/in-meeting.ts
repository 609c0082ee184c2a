import { watchCallPage } from '../browser/presence.js';
import type { InMeeting, JoinContext } from '../types.js';
import { closedVerdict } from './classify.js';
import { leaveMeeting, readState } from './sdk-page.js';

/**
 * The bot's presence once admitted: the SDK's `connection-change: Closed` reason says whether the host removed
 * the bot or ended the meeting; the attendee list (bot excluded) is the participant count and names them.
 */
export function zoomPresence(ctx: JoinContext): InMeeting {
  const { page } = ctx;
  const presence = watchCallPage(page, ctx.log, {
    name: 'zoom',
    async poll() {
      const state = await readState(page).catch(() => undefined);
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
    // The SDK names every attendee (`userName`); the bot is the one marked as the current user.
    async participantNames() {
      const state = await readState(page).catch(() => undefined);
      return state?.phase === 'joined' ? state.attendees.filter((a) => !a.self).map((a) => a.name) : undefined;
    },
  };
}
