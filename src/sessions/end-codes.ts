/**
 * Every way a session attempt can end, in one table. The API, the docs (docs/end-codes.md) and the
 * retry policy are all keyed by these codes; test/end-codes.test.ts keeps them in step.
 */
export const endCodes = {
  meeting_ended: { kind: 'normal', message: 'The meeting ended.' },
  left_alone: { kind: 'normal', message: 'Everyone else left (or only other notetaker bots remained), so the bot left too.' },
  silence_timeout: { kind: 'normal', message: 'Nobody spoke for too long, so the bot left.' },
  max_duration: { kind: 'normal', message: 'The bot reached the maximum recording duration and left.' },
  stopped_by_operator: { kind: 'normal', message: 'An operator stopped the bot.' },
  meeting_cancelled: { kind: 'normal', message: 'The organizer cancelled the meeting (or this occurrence).' },
  meeting_not_found: { kind: 'join', message: 'The meeting link does not lead to a meeting.' },
  meeting_not_started: { kind: 'join', message: 'The meeting had not started and the host never started it.' },
  waiting_room_timeout: { kind: 'join', message: 'Nobody admitted the bot from the waiting room in time.' },
  admission_denied: { kind: 'join', message: 'A host denied the bot entry to the meeting.' },
  blocked_by_captcha: { kind: 'join', message: 'The provider asked the bot to solve a CAPTCHA. Enable the authenticated bot for this provider.' },
  blocked_by_bot_wall: { kind: 'join', message: "Zoom refused the bot as an automated participant (\"Automated bots aren't allowed\"); use Zoom cloud recording or RTMS." },
  blocked_by_platform: { kind: 'join', message: 'The provider refused to let the bot join this meeting.' },
  sign_in_required: { kind: 'join', message: 'The meeting only admits signed-in users. Enable the authenticated bot for this provider.' },
  sign_in_failed: { kind: 'join', message: 'The bot account could not sign in: its credentials were refused, or its sign-in asks for a second step (MFA) a bot cannot answer; the timeline says which.' },
  credentials_missing: { kind: 'join', message: 'The authenticated bot is enabled but has no account credentials.' },
  account_busy: { kind: 'join', message: 'Every bot account was in other meetings until this one ended: add accounts (authenticatedBot.accounts), or raise meetingsPerAccount where the provider allows it.' },
  password_incorrect: { kind: 'join', message: 'The meeting asked for its passcode and Quorum had none, or the passcode was rejected; the timeline says which.' },
  meeting_full: { kind: 'join', message: 'The meeting is full.' },
  ui_changed: { kind: 'join', message: 'An expected element of the provider page never appeared (the page may have changed).' },
  zoom_token_failed: { kind: 'join', message: "Zoom's API refused a token the bot needs to join (OBF or local-recording join token); check providers.zoom's Server-to-Server OAuth app and its scopes." },
  recording_permission_denied: { kind: 'recording', message: 'The host denied the bot permission to record, or withdrew it during the meeting (the bot then stopped recording at once and left; what it had recorded is kept).' },
  recording_permission_timeout: { kind: 'recording', message: 'The host did not answer the request for recording permission.' },
  recording_permission_unavailable: { kind: 'recording', message: "The meeting client could not ask the host for recording permission (the SDK's error is in the timeline); check the Meeting SDK version and that \"Record to computer files\" and \"Hosts can give participants the permission to record locally\" are on." },
  host_absent: { kind: 'recording', message: 'The host was not in the meeting to grant recording permission within the configured wait.' },
  no_audio: { kind: 'recording', message: 'The bot was in the meeting but received no audio.' },
  kicked: { kind: 'in_call', message: 'The bot was removed from the meeting.' },
  consent_declined: { kind: 'consent', message: 'A participant chose not to be recorded.' },
  cloud_recording_missing: { kind: 'zoom_cloud', message: 'Zoom never reported a cloud recording for this meeting.' },
  cloud_download_failed: { kind: 'zoom_cloud', message: 'The cloud recording could not be downloaded.' },
  // The eligibility check ran again right before the join and this rule failed (src/companies/join-check.ts).
  requester_unknown: { kind: 'eligibility', message: 'The person who asked for the recording is no longer a user of the company.' },
  sender_not_authenticated: { kind: 'eligibility', message: "The invite e-mail's sender failed DMARC (or SPF/DKIM alignment)." },
  requester_no_seat: { kind: 'eligibility', message: 'The requester no longer has a seat for a recording application.' },
  requester_lacks_manual_permission: { kind: 'eligibility', message: "The requester's permission profile no longer allows \"Manually schedule & upload\"." },
  assistant_address_retired: { kind: 'eligibility', message: 'The invite went to the retired generic assistant address.' },
  assistant_address_unknown: { kind: 'eligibility', message: 'The company of the assistant address no longer exists.' },
  conference_link_missing: { kind: 'eligibility', message: 'The meeting has no conference link.' },
  conference_link_unsupported: { kind: 'eligibility', message: 'The meeting has no link of a supported provider.' },
  provider_disabled: { kind: 'eligibility', message: "The meeting's provider was turned off in the company's web-conferencing settings." },
  provider_misconfigured: { kind: 'eligibility', message: "The meeting's provider settings have errors (see the provider status)." },
  zoom_meeting_outside_account: { kind: 'eligibility', message: "Zoom says the meeting is not hosted in the company's Zoom account, so cloud mode cannot fetch its recording; ask the host to invite Quorum from inside the account, or set providers.zoom.mode to \"local\"." },
  consent_link_required: { kind: 'eligibility', message: "The call owner's consent profile enforces consent and the meeting does not use a consent-enabled link." },
  consent_link_type_mismatch: { kind: 'eligibility', message: "The consent link's type differs from the type set for this provider in the consent profile." },
  consent_bypass_link_present: { kind: 'eligibility', message: 'The invite holds another conference URL that lets participants skip the consent page.' },
  consent_link_external: { kind: 'eligibility', message: 'The consent-enabled link belongs to another company.' },
  meeting_over: { kind: 'eligibility', message: 'The meeting had already ended when the bot was due to join.' },
  calendar_access_missing: { kind: 'eligibility', message: 'Quorum has no access to the calendar (automatic recording).' },
  no_recordable_participant: { kind: 'eligibility', message: 'No internal participant is a recordable user (automatic recording).' },
  excluded_private: { kind: 'eligibility', message: 'Private meetings are excluded from automatic recording.' },
  excluded_blocked_domain: { kind: 'eligibility', message: 'A participant belongs to a blocked domain (automatic recording).' },
  excluded_keyword: { kind: 'eligibility', message: 'The title holds an excluded keyword (automatic recording).' },
  excluded_participant: { kind: 'eligibility', message: 'An excluded participant is invited (automatic recording).' },
  browser_crashed: { kind: 'infrastructure', message: 'The bot browser crashed.' },
  worker_lost: { kind: 'infrastructure', message: 'The process running the bot died during the meeting.' },
  storage_full: { kind: 'infrastructure', message: 'The recording could not be written to disk (the disk is full or failing), so the bot left; what was written before is kept.' },
  started_too_late: { kind: 'infrastructure', message: 'No bot could start before the meeting ended: every bot slot was busy (raise QUORUM_CONCURRENCY or add workers), or no Quorum process was running at its time.' },
  internal_error: { kind: 'infrastructure', message: "Quorum hit an unexpected error, or the meeting page did not open (DNS, network, proxy or certificate failure, or no answer in time); the timeline's details carry the cause, such as net::ERR_NAME_NOT_RESOLVED and what to check." },
} as const satisfies Record<string, { kind: EndCodeKind; message: string }>;

export type EndCodeKind = 'normal' | 'join' | 'recording' | 'in_call' | 'consent' | 'eligibility' | 'zoom_cloud' | 'infrastructure';
export type EndCode = keyof typeof endCodes;

export function isEndCode(value: string): value is EndCode {
  return Object.hasOwn(endCodes, value);
}
