import type { ProviderId } from '../../providers/types.js';
import type { BotJoin, Decision } from './facts.js';
import type { ProvidersSettings } from './settings.js';

type JoinPlan = Pick<Decision, 'plan' | 'botJoin' | 'planReason'>;

function bot(signedIn: boolean, recordingPermission: BotJoin['recordingPermission'] = 'not_needed'): JoinPlan {
  return { plan: 'bot', botJoin: { signedIn, recordingPermission } };
}

/** Why a Zoom meeting is recorded the way it is, naming the setting that decides it (docs/zoom.md). */
const zoomReasons = {
  cloud: 'providers.zoom.mode is "cloud": Zoom records the meeting in its cloud and Quorum fetches the files after Zoom\'s recording.completed webhook; no bot joins.',
  askHost: 'providers.zoom.mode is "local": a bot joins through the Meeting SDK and asks the host for permission to record (providers.zoom.automaticRecordingPermission is off).',
  automatic: 'providers.zoom.mode is "local" with providers.zoom.automaticRecordingPermission: a bot joins with a local-recording join token and records without asking the host.',
} as const;

/**
 * How each provider's meetings get recorded, as data so the core never branches on provider.
 * Zoom cloud: Zoom records and Quorum fetches after recording.completed, so no bot joins. Zoom local:
 * a bot records and needs the host's permission unless the Zoom admin set up automatic permission.
 */
export const plannerByProvider: Record<ProviderId, (providers: ProvidersSettings) => JoinPlan> = {
  zoom: ({ zoom }) => (zoom.mode === 'cloud' ? { plan: 'zoom_cloud', planReason: zoomReasons.cloud } : { ...bot(false, zoom.automaticRecordingPermission === true ? 'automatic' : 'ask_host'), planReason: zoom.automaticRecordingPermission === true ? zoomReasons.automatic : zoomReasons.askHost }),
  meet: ({ meet }) => bot(meet.authenticatedBot?.enabled === true),
  teams: ({ teams }) => bot(teams.authenticatedBot.enabled),
  webex: ({ webex }) => bot(webex.authenticatedBot.enabled),
};

/**
 * Plans whose recording is fetched from the company's own account at the provider, so only meetings hosted in that
 * account can be recorded (a Zoom cloud recording belongs to the host's account). The check's host-account rule and
 * the callers that ask the provider beforehand (host-account.ts) both read this.
 */
export const accountBoundPlans: ReadonlySet<Decision['plan']> = new Set(['zoom_cloud']);
