import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sessionStates } from './sessions/states.js';

export interface Metrics {
  registry: Registry;
  joinLatency: Histogram;
  dispatchDelay: Histogram;
  activeBots: Gauge;
  failures: Counter<'end_code'>;
  intake: IntakeMetrics;
}

/** Invite e-mail: every message by how it ended, the time to its answer, and each event it carried by result. */
export interface IntakeMetrics {
  messages: Counter<'transport' | 'status' | 'code'>;
  seconds: Histogram<'transport'>;
  events: Counter<'result'>;
}

function intakeMetrics(registry: Registry): IntakeMetrics {
  return {
    messages: new Counter({
      name: 'quorum_inbound_messages_total',
      help: 'Invite e-mails received, by transport, status (processed, rejected, failed) and rejection code (none when processed)',
      labelNames: ['transport', 'status', 'code'],
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'quorum_inbound_seconds',
      help: 'From a message received to its changes committed (what an SMTP sender waits for its 250)',
      labelNames: ['transport'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    events: new Counter({
      name: 'quorum_inbound_events_total',
      help: 'Calendar events in invite e-mails, by result (applied, cancelled, duplicate, ignored_lower_sequence, not_authorized, rejected)',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

/** Prometheus metrics; the sessions-by-state gauge is read from the store at scrape time. */
export function createMetrics(countByState: () => Promise<Record<string, number>>): Metrics {
  const registry = new Registry();
  new Gauge({
    name: 'quorum_sessions',
    help: 'Sessions by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await countByState();
      for (const state of sessionStates) this.set({ state }, counts[state] ?? 0);
    },
  });
  return {
    registry,
    joinLatency: new Histogram({
      name: 'quorum_join_latency_seconds',
      help: 'From dispatch to admission into the meeting',
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900],
      registers: [registry],
    }),
    dispatchDelay: new Histogram({
      name: 'quorum_dispatch_delay_seconds',
      help: 'From a join\'s due time to its start: a wait for a free bot slot (QUORUM_CONCURRENCY), or a process that was down',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    }),
    activeBots: new Gauge({ name: 'quorum_active_bots', help: 'Bots currently running', registers: [registry] }),
    failures: new Counter({
      name: 'quorum_session_failures_total',
      help: 'Attempts that ended failed, by end code',
      labelNames: ['end_code'],
      registers: [registry],
    }),
    intake: intakeMetrics(registry),
  };
}
