import type { Generated } from 'kysely';

/**
 * Table shapes shared by every dialect. Times are ISO-8601 UTC strings (sortable as text in SQLite and
 * PostgreSQL alike); structured values are JSON text. Keeping to these types is what lets one query layer
 * serve both databases.
 */
export interface Database {
  companies: CompanyTable;
  sessions: SessionTable;
  attempts: AttemptTable;
  events: EventTable;
  logs: LogTable;
  artifacts: ArtifactTable;
  inbound_messages: InboundMessageTable;
  meetings: MeetingTable;
  meeting_occurrences: MeetingOccurrenceTable;
  meeting_versions: MeetingVersionTable;
  consent_links: ConsentLinkTable;
  consent_choices: ConsentChoiceTable;
  api_tokens: ApiTokenTable;
  account_leases: AccountLeaseTable;
  bot_account_marks: BotAccountMarkTable;
  zoom_deliveries: ZoomDeliveryTable;
  zoom_signatures: ZoomSignatureTable;
  zoom_files: ZoomFileTable;
  webhook_endpoints: WebhookEndpointTable;
}

/**
 * Where one outbound webhook endpoint of a company stands (src/webhooks/): its cursor in the timeline (events up to
 * `cursor_event_id`, and of that event the webhook events up to `cursor_part`, are handled) and its last deliveries.
 */
export interface WebhookEndpointTable {
  company_id: string;
  url: string;
  cursor_event_id: number;
  cursor_part: number;
  last_success_at: string | null;
  last_delivered_event_id: string | null;
  last_failure_at: string | null;
  last_failure_status: number | null;
  last_failure_error: string | null;
  last_failure_event_id: string | null;
  consecutive_failures: number;
  /** While failing: the time of the next try (ISO). */
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A verified Zoom webhook delivery; `key` is derived from its content so Zoom's retries collide. */
export interface ZoomDeliveryTable {
  key: string;
  company_id: string;
  event: string;
  /** The raw JSON body, kept so a queued delivery survives a restart. */
  body: string;
  /** `queued` | `processed` | `unmatched` | `ignored` | `failed` */
  status: string;
  session_id: string | null;
  received_at: string;
  processed_at: string | null;
  duplicates: Generated<number>;
}

/** Signatures already accepted: the same signed request twice is a replay. */
export interface ZoomSignatureTable {
  signature: string;
  received_at: string;
}

/** A cloud-recording file already stored for a session (a duplicate delivery downloads nothing twice). */
export interface ZoomFileTable {
  session_id: string;
  file_id: string;
  artifact_id: string;
  fetched_at: string;
}

export interface AccountLeaseTable {
  /** `provider:account e-mail`. */
  key: string;
  /** The session whose bot is signed in to the account. */
  holder: string;
  /** ISO time; a lease not renewed by then (its process died) is free again. */
  expires_at: string;
}

/**
 * A company's bot account whose sign-in was refused for a reason that repeats (a wrong password, a second sign-in
 * step): src/scheduler/account-marks.ts. Never the password: `fingerprint` is a keyed hash of the credentials the
 * refused sign-in used, and a mark whose fingerprint no longer matches the settings counts as cleared.
 */
export interface BotAccountMarkTable {
  company_id: string;
  provider: string;
  /** Lower case. */
  email: string;
  /** The attempt's ending message (what the identity provider said). */
  reason: string;
  /** ISO time of the refused sign-in. */
  since: string;
  /** The session whose attempt found it. */
  session_id: string;
  fingerprint: string;
}

export interface CompanyTable {
  id: string;
  name: string;
  assistant_address: string;
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  id: string;
  company_id: string;
  provider: string;
  plan: string;
  meeting_url: string;
  title: string | null;
  requested_by: string | null;
  starts_at: string;
  ends_at: string;
  join_at: string;
  state: string;
  end_code: string | null;
  attempt: number;
  decision: string | null;
  worker_id: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  /** The meeting's passcode as the invite or request gave it (migration 0015); read only for the bot's join. */
  passcode: string | null;
}

export interface AttemptTable {
  session_id: string;
  number: number;
  reason: string;
  created_at: string;
  started_at: string | null;
  admitted_at: string | null;
  ended_at: string | null;
  end_code: string | null;
  worker_id: string | null;
}

export interface EventTable {
  id: Generated<number>;
  session_id: string;
  attempt: number;
  at: string;
  from_state: string | null;
  to_state: string | null;
  code: string;
  details: string | null;
}

export interface LogTable {
  id: Generated<number>;
  session_id: string;
  attempt: number;
  at: string;
  level: number;
  msg: string;
  line: string;
}

export interface ArtifactTable {
  id: string;
  session_id: string;
  attempt: number;
  kind: string;
  path: string;
  bytes: number;
  duration_ms: number | null;
  created_at: string;
}

/** A received e-mail, stored raw (base64) before it is parsed so a parse error loses nothing. */
export interface InboundMessageTable {
  id: string;
  received_at: string;
  transport: string;
  remote_ip: string | null;
  helo: string | null;
  mail_from: string | null;
  recipients: string;
  bytes: number;
  raw: string;
  status: string;
  error: string | null;
  company_id: string | null;
  message_id: string | null;
  outcome: string | null;
  /** The Subject and From address, so an operator can tell messages apart (read when the message was handled). */
  subject: string | null;
  from_address: string | null;
  updated_at: string;
}

/** The latest applied version of an invite: a series or single event (recurrence_id '') or one override. */
export interface MeetingTable {
  company_id: string;
  uid: string;
  recurrence_id: string;
  sequence: number;
  dtstamp: string | null;
  method: string;
  status: string;
  title: string | null;
  organizer: string | null;
  requested_by: string | null;
  starts_at: string | null;
  ends_at: string | null;
  details: string;
  message_id: string;
  created_at: string;
  updated_at: string;
}

/** One occurrence of a meeting ('' for a single event, else its RECURRENCE-ID) and the session recording it. */
export interface MeetingOccurrenceTable {
  company_id: string;
  uid: string;
  occurrence: string;
  starts_at: string;
  ends_at: string;
  status: string;
  session_id: string | null;
  decision: string | null;
  updated_at: string;
}

/**
 * How many times a meeting (company + UID, its overrides included) has been changed by intake. A writer
 * moves it on from the value it read before deciding; finding it moved, it decides again on fresh reads,
 * so two processes receiving mail about one meeting never both act on what they read before the other's commit.
 */
export interface MeetingVersionTable {
  company_id: string;
  uid: string;
  version: number;
}

/**
 * A consent-enabled link (`/c/<token>`): only the SHA-256 of its token is kept. `static` links belong to a user
 * (their personal room, `user_email`), `dynamic` links to one meeting (`meeting_id`); `meeting_key` is the
 * provider's canonical form of `conference_url`, the one link the page sends participants to.
 */
export interface ConsentLinkTable {
  id: string;
  token_hash: string;
  company_id: string;
  link_type: string;
  user_email: string | null;
  meeting_id: string | null;
  provider: string;
  conference_url: string;
  meeting_key: string;
  title: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** One participant's choice on a consent page; `participant` and `address_hash` are keyed hashes, never raw. */
export interface ConsentChoiceTable {
  id: string;
  link_id: string;
  session_id: string | null;
  choice: string;
  at: string;
  participant: string;
  address_hash: string | null;
  user_agent: string | null;
}

/** A per-company API token: only the SHA-256 of the token is kept; it is shown once when created. */
export interface ApiTokenTable {
  id: string;
  company_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}
