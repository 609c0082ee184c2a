import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sessionStates } from './sessions/states.js';

export interface Metrics {
  registry: Registry;
  joinLatency: Histogram;
  activeBots: Gauge;
  failures: Counter<'end_code'>;
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
    activeBots: new Gauge({ name: 'quorum_active_bots', help: 'Bots currently running', registers: [registry] }),
    failures: new Counter({
      name: 'quorum_session_failures_total',
      help: 'Attempts that ended failed, by end code',
      labelNames: ['end_code'],
      registers: [registry],
    }),
  };
}
