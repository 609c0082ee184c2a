import { withApostropheVariants } from '../browser/presence.js';

/**
 * Zoom's strings, codes and SDK names, as data. The bot joins through the Meeting SDK for Web (component view,
 * `ZoomMtgEmbedded`), so most "selectors" are SDK event names and error codes rather than DOM hooks; the bot wall
 * and the CAPTCHA are the SDK's own UI and are recognized by their text and class names.
 */

/** The Meeting SDK for Web build the bot page loads from Zoom's CDN. */
export const sdkVersion = '6.5.0';

export function sdkScriptUrl(version = sdkVersion): string {
  return `https://source.zoom.us/${version}/zoom-meeting-embedded-${version}.min.js`;
}

/**
 * The fixed https origin of Quorum's own bot page. It is served to the bot's browser with `page.route`, never
 * over the network, so nothing listens there; https makes the page a secure context (WebRTC, audio).
 */
export const botPageOrigin = 'https://zoom-bot.quorum.invalid';

/** Component-view client API names (`client.on(...)`, `client.<method>()`). */
export const sdkApi = {
  events: {
    connection: 'connection-change',
    /**
     * The host's answer to the bot's request for local-recording privilege. Named after the native SDK's
     * `onLocalRecordingPrivilegeRequestStatus` (reference/providers.md §3.3); the Web SDK's name is unverified.
     */
    recordingPrivilege: 'local-recording-privilege-change',
  },
  methods: {
    /** Native `IMeetingRecordingController::RequestLocalRecordingPrivilege()`; unverified on the Web SDK. */
    requestRecordingPrivilege: 'requestLocalRecordingPrivilege',
  },
  /**
   * The Web SDK's own recording-permission calls, tried before the names above (reference/peer-bots.md §1.2,
   * Attendee's `zoom_web_chromedriver_page.js`): `mediaCapture({record: "start"})` succeeds when the bot may already
   * record; otherwise `mediaCapturePermission({operate: "request"})` asks the host, whose answer arrives as
   * `onMediaCapturePermissionChange` `{allow}`. They live on the client view's global (`ZoomMtg`), callback style;
   * the bot page uses them only when the loaded SDK offers them. `listen` is not in the reference text: it is how
   * that Attendee file subscribes (`ZoomMtg.inMeetingServiceListener(event, fn)`).
   */
  mediaCapture: {
    global: 'ZoomMtg',
    capture: 'mediaCapture',
    captureArgs: { record: 'start' },
    request: 'mediaCapturePermission',
    requestArgs: { operate: 'request' },
    listen: 'inMeetingServiceListener',
    event: 'onMediaCapturePermissionChange',
  },
  /** `connection-change` states. */
  states: { closed: 'Closed', failed: 'Fail' },
} as const;

/** Meeting SDK for Web error codes (developers.zoom.us/docs/meeting-sdk/web/error-codes). */
export const sdkErrorCodes = {
  meetingNotExist: [3001, 3610],
  wrongPasscode: [3004],
  notStarted: [3008],
  removed: [3009],
  /** MEETING_CAPACITY_REACHED ("Meeting is full"), among the SDK's connection errors (4000-4999). */
  meetingFull: [4005],
} as const;

/**
 * Join refusals the reference names but gives no Web SDK number for, matched (case-insensitively) in the error's
 * code, type or reason text.
 */
export const sdkErrorNames = {
  /**
   * The OBF token's authorizing user is not in the meeting yet: "SDK ≥ 6.6.10 … retry until the user joins"
   * (reference/providers.md §3.2). Unverified: the reference gives only this name, not the Web SDK's numeric code
   * or where the name appears in the error (the native SDK's enum value, 501, is not assumed to carry over).
   */
  authorizedUserNotInMeeting: ['MEETING_FAIL_AUTHORIZED_USER_NOT_INMEETING'],
} as const;

/** `connection-change` Closed reasons, lower-cased substrings. */
export const closedReasons = {
  kicked: ['kicked by host', 'removed by host', 'been removed'],
  ended: ['ended by host', 'meeting ended', 'meeting has ended'],
  deniedEntry: ['removed from waiting room', 'denied'],
} as const;

/** Zoom's 2026 bot wall (screenappai/meeting-bot #45, aws-samples LMA PR #300). */
export const botWallTexts = withApostropheVariants(["Automated bots aren't allowed", 'must use Zoom RTMS', 'We detected you may be a bot']);

/** Zoom's image CAPTCHA (Meeting-BaaS/meet-teams-bot PR #234). */
export const captchaTexts = ['Type the characters you see'] as const;
export const captchaSelectors = ['.component_smart_captcha', '.CaptchaContainer'] as const;
