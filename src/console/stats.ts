import type { Kysely } from 'kysely';
import { endCodes, isEndCode } from '../sessions/end-codes.js';
import { activeStates } from '../sessions/states.js';
import type { Database } from '../store/schema.js';

/** The buckets of `quorum_join_latency_seconds` (src/metrics.ts), so the chart and /metrics agree. */
export const latencyBuckets = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900] as const;

export interface HourBar {
  /** Start of the hour, ISO (`2026-01-01T13:00:00.000Z`). */
  hour: string;
  ended: number;
  failed: number;
}

export interface Stats {
  since: string;
  perHour: HourBar[];
  /** Attempts admitted in the window, counted per latency bucket (the last one is "longer"). */
  latency: { le: number | null; count: number }[];
  failuresByEndCode: { endCode: string; count: number }[];
  activeBots: number;
  activeByState: Record<string, number>;
}

const hourMs = 3_600_000;

/**
 * Chart data from the store: the same facts /metrics exports (attempt outcomes, join latency from
 * dispatch to admission, failures by end code, active bots), but over a window and readable after a restart.
 */
export async function readStats(db: Kysely<Database>, options: { hours?: number; companyId?: string; now?: Date } = {}): Promise<Stats> {
  const hours = options.hours ?? 24;
  const now = options.now ?? new Date();
  const since = new Date(Math.floor(now.getTime() / hourMs) * hourMs - (hours - 1) * hourMs).toISOString();
  const scoped = options.companyId;
  let attempts = db
    .selectFrom('attempts')
    .innerJoin('sessions', 'sessions.id', 'attempts.session_id')
    .select(['attempts.started_at', 'attempts.admitted_at', 'attempts.ended_at', 'attempts.end_code']);
  if (scoped) attempts = attempts.where('sessions.company_id', '=', scoped);
  const [ended, admitted] = await Promise.all([
    attempts.where('attempts.ended_at', '>=', since).execute(),
    attempts.where('attempts.started_at', '>=', since).where('attempts.admitted_at', 'is not', null).execute(),
  ]);
  let active = db
    .selectFrom('sessions')
    .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
    .where('state', 'in', activeStates);
  if (scoped) active = active.where('company_id', '=', scoped);
  const activeRows = await active.groupBy('state').execute();
  const activeByState = Object.fromEntries(activeRows.map((r) => [r.state, Number(r.count)]));
  return {
    since,
    perHour: perHour(ended, since, hours),
    latency: latencyHistogram(admitted),
    failuresByEndCode: failures(ended),
    activeBots: Object.values(activeByState).reduce((a, b) => a + b, 0),
    activeByState,
  };
}

type Row = { started_at: string | null; admitted_at: string | null; ended_at: string | null; end_code: string | null };

/** An attempt ended without a code (cancelled before it ran) is not a failure; unknown codes are. */
function isFailure(endCode: string | null): boolean {
  return endCode !== null && (!isEndCode(endCode) || endCodes[endCode].kind !== 'normal');
}

function perHour(rows: Row[], since: string, hours: number): HourBar[] {
  const start = Date.parse(since);
  const bars: HourBar[] = Array.from({ length: hours }, (_, i) => ({ hour: new Date(start + i * hourMs).toISOString(), ended: 0, failed: 0 }));
  for (const row of rows) {
    if (!row.ended_at) continue;
    const bar = bars[Math.floor((Date.parse(row.ended_at) - start) / hourMs)];
    if (!bar) continue;
    if (isFailure(row.end_code)) bar.failed += 1;
    else bar.ended += 1;
  }
  return bars;
}

function latencyHistogram(rows: Row[]): Stats['latency'] {
  const counts: number[] = new Array<number>(latencyBuckets.length + 1).fill(0);
  for (const row of rows) {
    if (!row.started_at || !row.admitted_at) continue;
    const seconds = (Date.parse(row.admitted_at) - Date.parse(row.started_at)) / 1000;
    const index = latencyBuckets.findIndex((le) => seconds <= le);
    const slot = index === -1 ? latencyBuckets.length : index;
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ le: latencyBuckets[i] ?? null, count }));
}

function failures(rows: Row[]): Stats['failuresByEndCode'] {
  const byCode = new Map<string, number>();
  for (const row of rows) {
    if (!row.end_code || !isFailure(row.end_code)) continue;
    const code = row.end_code;
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  return [...byCode].map(([endCode, count]) => ({ endCode, count })).sort((a, b) => b.count - a.count || a.endCode.localeCompare(b.endCode));
}
