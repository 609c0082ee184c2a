import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { topics, type LiveBus } from '../bus.js';
import type { Company } from '../companies/company-store.js';
import type { ArtifactStore } from '../sessions/artifacts.js';
import type { SessionChange, SessionStore } from '../sessions/session-store.js';
import { StoreLeases } from '../store/leases.js';
import type { Database } from '../store/schema.js';
import { endpointsOf, type WebhookEndpoint } from './endpoint-settings.js';
import { EndpointRunner, shownUrl } from './endpoint-runner.js';
import { EndpointStates } from './endpoint-state.js';
import { defaultWebhookTimings, type WebhookTimings } from './timings.js';

export interface WebhookOptions {
  db: Kysely<Database>;
  bus: LiveBus;
  companies: { get(id: string): Promise<Company | undefined>; list(): Promise<Company[]> };
  sessions: Pick<SessionStore, 'get'>;
  artifacts: Pick<ArtifactStore, 'list'>;
  log: Logger;
  timings?: Partial<WebhookTimings>;
  /** Reach endpoints on loopback or private addresses (QUORUM_WEBHOOK_INTERNAL_TARGETS); default no. */
  internalTargets?: boolean;
}

export interface Webhooks {
  close(): Promise<void>;
}

/**
 * Pushes session status changes to the companies' webhook endpoints (docs/webhooks.md). Runs in every process;
 * deliveries come from the timeline table and each endpoint's stored cursor, so what a process did not send (it
 * was down, busy, or never heard of the change) another one, or the next start, sends. The bus only wakes the
 * runners of the company whose session changed; a poll finds the rest.
 */
const keyOf = (companyId: string, url: string): string => JSON.stringify([companyId, url]);

export function startWebhooks(options: WebhookOptions): Webhooks {
  const timings = { ...defaultWebhookTimings, ...options.timings };
  const closing = new AbortController();
  const states = new EndpointStates(options.db);
  const deps = { db: options.db, states, leases: new StoreLeases(options.db, { ttlMs: timings.leaseTtlMs }), holder: randomUUID(), sessions: options.sessions, artifacts: options.artifacts, timings, log: options.log, closing: closing.signal, internalTargets: options.internalTargets ?? false };
  const runners = new Map<string, EndpointRunner>();
  const warned = new Set<string>();
  const work = new Set<Promise<void>>();

  const runnerFor = (companyId: string, endpoint: WebhookEndpoint): EndpointRunner => {
    const key = keyOf(companyId, endpoint.url);
    const runner = runners.get(key) ?? new EndpointRunner(companyId, endpoint, deps);
    runner.endpoint = endpoint;
    runners.set(key, runner);
    return runner;
  };
  const listed = (company: Company): WebhookEndpoint[] =>
    endpointsOf(company.settings, (url) => {
      const key = `${company.id} ${String(url)}`;
      if (!warned.has(key)) options.log.warn({ companyId: company.id, endpoint: typeof url === 'string' ? shownUrl(url) : undefined }, 'a webhook endpoint could not be read (its secret sealed with another key?); nothing is sent to it');
      warned.add(key);
    });
  const track = (task: () => Promise<void>): void => {
    if (closing.signal.aborted) return;
    const running = task()
      .catch((error: unknown) => options.log.error({ err: error }, 'webhook endpoints could not be read; trying again at the next poll'))
      .finally(() => work.delete(running));
    work.add(running);
  };

  const wake = async (companyId: string): Promise<void> => {
    const company = await options.companies.get(companyId);
    for (const endpoint of company ? listed(company) : []) runnerFor(companyId, endpoint).kick();
  };
  const poll = async (): Promise<void> => {
    const began = new Date().toISOString();
    const seen = new Set<string>();
    for (const company of await options.companies.list()) {
      for (const endpoint of listed(company)) {
        seen.add(keyOf(company.id, endpoint.url));
        runnerFor(company.id, endpoint).kick();
      }
    }
    for (const [key, runner] of runners) {
      if (seen.has(key)) continue;
      runners.delete(key);
      track(() => runner.stop());
    }
    // A state made since the settings were read belongs to an endpoint added meanwhile: kept.
    for (const { companyId, url } of await states.keys(began)) if (!seen.has(keyOf(companyId, url))) await states.remove(companyId, url);
  };

  const unsubscribe = options.bus.subscribe(topics.sessions, (message) => {
    const { session, event } = message as SessionChange;
    // Notes (a saved file, an operator's request) are no status change: nothing to send.
    if (event.to !== null) track(() => wake(session.companyId));
  });
  const timer = setInterval(() => track(poll), timings.pollMs);
  timer.unref();
  track(poll);

  return {
    async close() {
      closing.abort();
      unsubscribe();
      clearInterval(timer);
      await Promise.all([...work]);
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
    },
  };
}
