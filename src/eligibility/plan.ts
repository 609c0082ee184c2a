import type { ProviderId } from '../../providers/types.js';
import type { BotJoin, Decision } from './facts.js';
import type { ProvidersSettings } from './settings.js';

type JoinPlan = Pick<Decision, 'plan' | 'botJoin'>;

function bot(signedIn: boolean, recordingPermission: BotJoin['recordingPermission'] = 'not_needed'): JoinPlan {
  return { plan: 'bot', botJoin: { signedIn, recordingPermission } };
}

/**
 * How each provider's meetings get recorded, as data so the core never branches on provider.
 * Zoom cloud: Zoom records and Quorum fetches after recording.completed, so no bot joins. Zoom local:
 * a bot records and needs the host's permission unless the Zoom admin set up automatic permission.
 */
export const plannerByProvider: Record<ProviderId, (providers: ProvidersSettings) => JoinPlan> = {
  zoom: ({ zoom }) =>
    zoom.mode === 'cloud' ? { plan: 'zoom_cloud' } : bot(false, zoom.automaticRecordingPermission === true ? 'automatic' : 'ask_host'),
  meet: ({ meet }) => bot(meet.signedInBot?.enabled === true),
  teams: ({ teams }) => bot(teams.authenticatedBot.enabled),
  webex: ({ webex }) => bot(webex.authenticatedBot.enabled),
};
