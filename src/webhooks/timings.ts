/** How deliveries are paced. Tests shorten them; an installation runs with the defaults. */
export interface WebhookTimings {
  /** One request's deadline: an endpoint that has not answered by then failed. */
  timeoutMs: number;
  /** The wait after the first failure, doubled after each further one up to `backoffCapMs`. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /**
   * How often each process reads the companies' endpoints and looks for undelivered events, whatever the bus said:
   * it finds new endpoints, and the work of a process that died, and makes up for a wake-up the bus lost.
   */
  pollMs: number;
  /** How long a gap in the timeline's ids is waited on before it is taken as a rolled-back insert (timeline-feed.ts). */
  gapGraceMs: number;
  /** Another process holds an endpoint's lease: look again this soon, in case it finished before our event landed. */
  busyRetryMs: number;
  /** Timeline events read at once. */
  batchSize: number;
  /** A process that died holding an endpoint's lease gives it up after this long. */
  leaseTtlMs: number;
}

export const defaultWebhookTimings: WebhookTimings = {
  timeoutMs: 10_000,
  backoffBaseMs: 2_000,
  backoffCapMs: 300_000,
  pollMs: 15_000,
  gapGraceMs: 15_000,
  busyRetryMs: 1_000,
  batchSize: 200,
  leaseTtlMs: 60_000,
};

/** The wait before the next try after `failures` failures in a row: 2 s, 4 s, 8 s, … at most 5 minutes. */
export function backoffMs(failures: number, timings: Pick<WebhookTimings, 'backoffBaseMs' | 'backoffCapMs'>): number {
  return Math.min(timings.backoffCapMs, timings.backoffBaseMs * 2 ** Math.max(0, failures - 1));
}
