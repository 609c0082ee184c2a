import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, WebhookEndpointTable } from '../store/schema.js';
import { lastEventBefore } from './timeline-feed.js';

/**
 * Where each endpoint stands (table `webhook_endpoints`, one row per company and URL): its cursor in the timeline
 * feed and how its last deliveries went. Every process reads and moves the same rows, so a restart, or another
 * process taking over, carries on from the cursor.
 */

/**
 * A position in the feed: a timeline event's id and which of the webhook events it yields was handled last
 * (`part`, see events.ts; `lastPart` once all of them were, or the event yields none).
 */
export interface FeedPosition {
  eventId: number;
  part: number;
}

export const lastPart = 1;

export function isAfter(a: FeedPosition, b: FeedPosition): boolean {
  return a.eventId > b.eventId || (a.eventId === b.eventId && a.part > b.part);
}

export interface EndpointFailure {
  at: string;
  /** The HTTP status the endpoint answered, if it answered. */
  status: number | null;
  error: string;
  eventId: string;
}

export interface EndpointState {
  companyId: string;
  url: string;
  cursor: FeedPosition;
  lastSuccessAt: string | null;
  /** The id of the last webhook event the endpoint took. */
  lastDeliveredEventId: string | null;
  lastFailure: EndpointFailure | null;
  consecutiveFailures: number;
  /** While failing: not tried again before this time. */
  nextAttemptAt: string | null;
  createdAt: string;
}

/** The lease one process holds while it delivers to an endpoint (src/store/leases.ts). */
export function endpointLeaseKey(companyId: string, url: string): string {
  return `webhook:${companyId}:${createHash('sha256').update(url).digest('hex').slice(0, 24)}`;
}

export class EndpointStates {
  constructor(private readonly db: Kysely<Database>) {}

  async get(companyId: string, url: string): Promise<EndpointState | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('company_id', '=', companyId).where('url', '=', url).executeTakeFirst();
    return row ? toState(row) : undefined;
  }

  async forCompany(companyId: string): Promise<EndpointState[]> {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().where('company_id', '=', companyId).execute();
    return rows.map(toState);
  }

  /**
   * The endpoint's state, made on first sight. A new endpoint's feed begins where the company's settings were last
   * saved (that is when the endpoint was added, or later), so it hears what happened since it was set up and not
   * the company's whole history. Two processes seeing it first at once make one row.
   */
  async ensure(companyId: string, url: string): Promise<EndpointState> {
    const existing = await this.get(companyId, url);
    if (existing) return existing;
    const company = await this.db.selectFrom('companies').select('updated_at').where('id', '=', companyId).executeTakeFirst();
    const now = new Date().toISOString();
    const eventId = await lastEventBefore(this.db, company?.updated_at ?? now);
    await this.db
      .insertInto('webhook_endpoints')
      .values({ company_id: companyId, url, cursor_event_id: eventId, cursor_part: lastPart, consecutive_failures: 0, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['company_id', 'url']).doNothing())
      .execute();
    const made = await this.get(companyId, url);
    if (!made) throw new Error(`webhook endpoint state of ${companyId} was not stored`);
    return made;
  }

  /** Moves the cursor past events the endpoint does not take. Never backwards: a slower process's write is ignored. */
  async skipped(companyId: string, url: string, to: FeedPosition): Promise<void> {
    await this.forward(companyId, url, to, {});
  }

  async delivered(companyId: string, url: string, to: FeedPosition, eventId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.forward(companyId, url, to, { last_success_at: now, last_delivered_event_id: eventId, consecutive_failures: 0, next_attempt_at: null });
  }

  /** Records a failed delivery; the cursor stays, so the same event is sent again at `nextAttemptAt`. */
  async failed(companyId: string, url: string, failure: EndpointFailure, nextAttemptAt: Date): Promise<void> {
    await this.db
      .updateTable('webhook_endpoints')
      .set((eb) => ({
        last_failure_at: failure.at,
        last_failure_status: failure.status,
        last_failure_error: failure.error,
        last_failure_event_id: failure.eventId,
        consecutive_failures: eb('consecutive_failures', '+', 1),
        next_attempt_at: nextAttemptAt.toISOString(),
        updated_at: failure.at,
      }))
      .where('company_id', '=', companyId)
      .where('url', '=', url)
      .execute();
  }

  /** Every endpoint whose state was made before `before` (ISO time). */
  async keys(before: string): Promise<Array<{ companyId: string; url: string }>> {
    const rows = await this.db.selectFrom('webhook_endpoints').select(['company_id', 'url']).where('created_at', '<', before).execute();
    return rows.map((row) => ({ companyId: row.company_id, url: row.url }));
  }

  /** Forgets an endpoint the company no longer lists (listed again later, it starts afresh). */
  async remove(companyId: string, url: string): Promise<void> {
    await this.db.deleteFrom('webhook_endpoints').where('company_id', '=', companyId).where('url', '=', url).execute();
  }

  private async forward(companyId: string, url: string, to: FeedPosition, set: Updateable<WebhookEndpointTable>): Promise<void> {
    await this.db
      .updateTable('webhook_endpoints')
      .set({ ...set, cursor_event_id: to.eventId, cursor_part: to.part, updated_at: new Date().toISOString() })
      .where('company_id', '=', companyId)
      .where('url', '=', url)
      .where((eb) => eb.or([eb('cursor_event_id', '<', to.eventId), eb.and([eb('cursor_event_id', '=', to.eventId), eb('cursor_part', '<', to.part)])]))
      .execute();
  }
}

function toState(row: Selectable<WebhookEndpointTable>): EndpointState {
  const failed = row.last_failure_at !== null && row.last_failure_error !== null;
  return {
    companyId: row.company_id,
    url: row.url,
    // PostgreSQL's bigint arrives as a string.
    cursor: { eventId: Number(row.cursor_event_id), part: Number(row.cursor_part) },
    lastSuccessAt: row.last_success_at,
    lastDeliveredEventId: row.last_delivered_event_id,
    lastFailure: failed ? { at: row.last_failure_at ?? '', status: row.last_failure_status === null ? null : Number(row.last_failure_status), error: row.last_failure_error ?? '', eventId: row.last_failure_event_id ?? '' } : null,
    consecutiveFailures: Number(row.consecutive_failures),
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
}
