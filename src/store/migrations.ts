import { sql, type Kysely, type Migration } from 'kysely';

/** Auto-increment ids differ by dialect; everything else in the schema is portable. */
export type Dialect = 'sqlite' | 'postgres';

function serialId(dialect: Dialect) {
  return dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
}

/** What a session accumulates: its attempts, timeline events, log lines and artifacts (part of `initial`). */
async function createSessionRecords(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('attempts')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('admitted_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('end_code', 'text')
    .addColumn('worker_id', 'text')
    .addPrimaryKeyConstraint('attempts_pk', ['session_id', 'number'])
    .execute();
  await db.schema
    .createTable('events')
    .addColumn('id', sql`${serialId(dialect)}`)
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('events_session').on('events').columns(['session_id', 'id']).execute();
  await db.schema
    .createTable('logs')
    .addColumn('id', sql`${serialId(dialect)}`)
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('msg', 'text', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('logs_session').on('logs').columns(['session_id', 'id']).execute();
  await db.schema
    .createTable('artifacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('artifacts_session').on('artifacts').column('session_id').execute();
}

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('companies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('assistant_address', 'text', (c) => c.notNull().unique())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('meeting_url', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('requested_by', 'text')
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('join_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('end_code', 'text')
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('decision', 'text')
        .addColumn('worker_id', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_state_join_at').on('sessions').columns(['state', 'join_at']).execute();
      await db.schema.createIndex('sessions_company_created').on('sessions').columns(['company_id', 'created_at']).execute();
      await db.schema.createIndex('sessions_created').on('sessions').column('created_at').execute();
      await createSessionRecords(db, dialect);
    },
  };
}

/**
 * E-mail intake: every received message kept raw before it is parsed, the meetings it carried (keyed by
 * company + iCalendar UID + RECURRENCE-ID, '' for a series or single event) and each occurrence's session.
 */
const intake: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('inbound_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('transport', 'text', (c) => c.notNull())
      .addColumn('remote_ip', 'text')
      .addColumn('helo', 'text')
      .addColumn('mail_from', 'text')
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('company_id', 'text')
      .addColumn('message_id', 'text')
      .addColumn('outcome', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('inbound_messages_received').on('inbound_messages').column('received_at').execute();
    await db.schema
      .createTable('meetings')
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('uid', 'text', (c) => c.notNull())
      .addColumn('recurrence_id', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('dtstamp', 'text')
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('organizer', 'text')
      .addColumn('requested_by', 'text')
      .addColumn('starts_at', 'text')
      .addColumn('ends_at', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('meetings_pk', ['company_id', 'uid', 'recurrence_id'])
      .execute();
    await db.schema
      .createTable('meeting_occurrences')
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('uid', 'text', (c) => c.notNull())
      .addColumn('occurrence', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('decision', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('meeting_occurrences_pk', ['company_id', 'uid', 'occurrence'])
      .execute();
    await db.schema.createIndex('meeting_occurrences_session').on('meeting_occurrences').column('session_id').execute();
  },
};

/** Consent-enabled links (hashed tokens) and the choices participants made on their pages. */
const consent: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('consent_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('link_type', 'text', (c) => c.notNull())
      .addColumn('user_email', 'text')
      .addColumn('meeting_id', 'text')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('conference_url', 'text', (c) => c.notNull())
      .addColumn('meeting_key', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('consent_links_company_key').on('consent_links').columns(['company_id', 'meeting_key']).execute();
    await db.schema
      .createTable('consent_choices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('link_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('choice', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('participant', 'text', (c) => c.notNull())
      .addColumn('address_hash', 'text')
      .addColumn('user_agent', 'text')
      .execute();
    await db.schema.createIndex('consent_choices_link_at').on('consent_choices').columns(['link_id', 'at']).execute();
  },
};

/**
 * The ops console pages sessions newest first by the keyset (created_at, id), under any one filter;
 * each filter gets an index that ends in that keyset so a page is an index range scan even at 100k sessions.
 */
const consoleIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('sessions_created_id').on('sessions').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('sessions_state_created_id').on('sessions').columns(['state', 'created_at', 'id']).execute();
    await db.schema.createIndex('sessions_provider_created_id').on('sessions').columns(['provider', 'created_at', 'id']).execute();
    await db.schema.createIndex('sessions_end_code_created_id').on('sessions').columns(['end_code', 'created_at', 'id']).execute();
    await db.schema.createIndex('sessions_company_created_id').on('sessions').columns(['company_id', 'created_at', 'id']).execute();
    // The console charts read attempts by the hour they started (join latency) or ended (outcomes).
    await db.schema.createIndex('attempts_started').on('attempts').column('started_at').execute();
    await db.schema.createIndex('attempts_ended').on('attempts').column('ended_at').execute();
  },
};

/** Per-company API tokens (hashed), for the tenancy admin API. */
const tenancy: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('api_tokens_company').on('api_tokens').column('company_id').execute();
  },
};

/** Bot accounts in use: one meeting per account across every worker process (scale-out mode included). */
const accountLeases: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('account_leases')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/** A change counter per meeting (schema.ts `MeetingVersionTable`); a meeting without a row is at 0. */
const meetingVersions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('meeting_versions')
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('uid', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('meeting_versions_pk', ['company_id', 'uid'])
      .execute();
  },
};

/** Each received message's Subject and From, for the operator's list of what arrived. */
const inboundHeaders: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('inbound_messages').addColumn('subject', 'text').execute();
    await db.schema.alterTable('inbound_messages').addColumn('from_address', 'text').execute();
  },
};

/** A repeated recording request finds the session already planned for the same meeting and start. */
const sessionsByMeeting: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('sessions_company_meeting').on('sessions').columns(['company_id', 'meeting_url', 'starts_at']).execute();
  },
};

/**
 * Zoom webhooks: each delivery once (keyed by its content, so Zoom's retries are recognised), each signature
 * once (a replayed request is refused), and each cloud-recording file once per session.
 */
const zoom: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('zoom_deliveries')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'text')
      .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('zoom_deliveries_status').on('zoom_deliveries').columns(['status', 'company_id']).execute();
    await db.schema
      .createTable('zoom_signatures')
      .addColumn('signature', 'text', (c) => c.primaryKey())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('zoom_files')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('artifact_id', 'text', (c) => c.notNull())
      .addColumn('fetched_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('zoom_files_pk', ['session_id', 'file_id'])
      .execute();
  },
};

/**
 * The retention sweep (src/recording/retention.ts) looks for artifacts older than a period, oldest first, in
 * batches keyed by (created_at, id): an index range scan, however many newer artifacts the store holds.
 */
const artifactsByAge: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('artifacts_created_id').on('artifacts').columns(['created_at', 'id']).execute();
  },
};

/** Outbound webhooks: each endpoint's cursor in the timeline and how its deliveries went (schema.ts `WebhookEndpointTable`). */
const webhookEndpoints: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('cursor_event_id', 'bigint', (c) => c.notNull())
      .addColumn('cursor_part', 'integer', (c) => c.notNull())
      .addColumn('last_success_at', 'text')
      .addColumn('last_delivered_event_id', 'text')
      .addColumn('last_failure_at', 'text')
      .addColumn('last_failure_status', 'integer')
      .addColumn('last_failure_error', 'text')
      .addColumn('last_failure_event_id', 'text')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_endpoints_pk', ['company_id', 'url'])
      .execute();
  },
};

/**
 * The meeting passcode an invite or a recording request states (intake/passcodes.ts), for the bot to type when
 * the meeting asks; null when none was given. Never in an API answer but masked (sessions/session.ts).
 */
const sessionPasscode: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('passcode', 'text').execute();
  },
};

/**
 * Bot accounts whose sign-in the identity provider refused for a reason that repeats (schema.ts
 * `BotAccountMarkTable`): the account lease passes over them until their credentials change.
 */
const botAccountMarks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('bot_account_marks')
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('since', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('bot_account_marks_pk', ['company_id', 'provider', 'email'])
      .execute();
  },
};

export function migrations(dialect: Dialect): Record<string, Migration> {
  return { '0001_initial': initial(dialect), '0004_console': consoleIndexes, '0005_intake': intake, '0006_consent': consent, '0007_tenancy': tenancy, '0008_zoom': zoom, '0009_account_leases': accountLeases, '0010_meeting_versions': meetingVersions, '0011_inbound_headers': inboundHeaders, '0012_sessions_by_meeting': sessionsByMeeting, '0013_artifacts_by_age': artifactsByAge, '0014_webhook_endpoints': webhookEndpoints, '0015_session_passcode': sessionPasscode, '0016_bot_account_marks': botAccountMarks };
}
