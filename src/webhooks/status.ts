import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { subscribedTypes, type WebhookEndpoint, type WebhookEventType } from './endpoint-settings.js';
import { EndpointStates, type EndpointFailure } from './endpoint-state.js';

/** One endpoint as `GET /v1/companies/:id/webhooks` shows it: never its secret. */
export interface EndpointStatus {
  url: string;
  events: readonly WebhookEventType[];
  /**
   * `pending`: not yet picked up (within a poll of being saved); `ok`: its last delivery went through, or none was
   * needed yet; `failing`: the last try failed and the same event is tried again at `nextAttemptAt`.
   */
  status: 'pending' | 'ok' | 'failing';
  /** The timeline event (id) up to which everything is delivered or was not for this endpoint. */
  cursor: number | null;
  lastDeliveredEventId: string | null;
  lastSuccessAt: string | null;
  lastFailure: EndpointFailure | null;
  consecutiveFailures: number;
  nextAttemptAt: string | null;
}

/** The company's listed endpoints (in its settings' order) with where each one's deliveries stand. */
export async function endpointStatus(db: Kysely<Database>, companyId: string, endpoints: readonly WebhookEndpoint[]): Promise<EndpointStatus[]> {
  const states = new Map((await new EndpointStates(db).forCompany(companyId)).map((state) => [state.url, state]));
  return endpoints.map((endpoint) => {
    const state = states.get(endpoint.url);
    return {
      url: endpoint.url,
      events: subscribedTypes(endpoint),
      status: !state ? 'pending' : state.consecutiveFailures > 0 ? 'failing' : 'ok',
      cursor: state ? state.cursor.eventId : null,
      lastDeliveredEventId: state?.lastDeliveredEventId ?? null,
      lastSuccessAt: state?.lastSuccessAt ?? null,
      lastFailure: state?.lastFailure ?? null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      nextAttemptAt: state?.nextAttemptAt ?? null,
    };
  });
}
