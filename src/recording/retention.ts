import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CompanyStore } from '../companies/company-store.js';
import { retentionSettingsSchema, type RetentionSettings } from '../eligibility/settings.js';
import { evidenceKinds, recordingKinds, type ArtifactKind, type ArtifactStore } from '../sessions/artifacts.js';
import type { SessionStore } from '../sessions/session-store.js';
import { endedStates } from '../sessions/states.js';
import type { StoreLeases } from '../store/leases.js';
import type { Database } from '../store/schema.js';
import { deleteSessionArtifacts, SessionActiveError, SessionNotFoundError } from './deletion.js';

const dayMs = 86_400_000;
/** Artifact rows read per query: a sweep over a big backlog holds no long transaction and no big result. */
const batchSize = 200;
const leaseKey = 'retention-sweep';

/** The periods a company set itself (`retention` in its settings); absent or unreadable: none. */
function ownRetention(settings: Record<string, unknown> | undefined): RetentionSettings {
  const own = retentionSettingsSchema.safeParse(settings?.['retention'] ?? {});
  return own.success ? own.data : {};
}

export interface RetentionDeps {
  db: Kysely<Database>;
  sessions: SessionStore;
  artifacts: ArtifactStore;
  companies: Pick<CompanyStore, 'list'>;
  log: Logger;
  /** QUORUM_RETENTION_DAYS: the period of companies that set none (0: keep). */
  defaultDays: number;
  /** Ends a long sweep between batches (Quorum is closing); the next one goes on where it stopped. */
  signal?: AbortSignal;
}

export interface SweepResult {
  sessions: number;
  artifacts: number;
  bytes: number;
  /** Artifacts whose file was already gone (their rows were removed all the same). */
  missing: number;
  /** Sessions whose deletion failed (logged); the next sweep tries them again. */
  failed: number;
}

/** One period applied to a set of companies: those listed (`in`), or every one but those (`notIn`, the default). */
export interface Group {
  class: 'recordings' | 'evidence';
  kinds: readonly ArtifactKind[];
  days: number;
  companies: { in: string[] } | { notIn: string[] };
}

/** Companies grouped by the period that applies to them, per class; a period of 0 (keep) makes no group. */
export function retentionGroups(companies: ReadonlyArray<{ id: string; settings: Record<string, unknown> }>, defaultDays: number): Group[] {
  const groups: Group[] = [];
  const classes = [
    { class: 'recordings' as const, kinds: recordingKinds, key: 'recordingDays' as const },
    { class: 'evidence' as const, kinds: evidenceKinds, key: 'evidenceDays' as const },
  ];
  for (const { class: name, kinds, key } of classes) {
    const explicit = new Map<number, string[]>();
    for (const company of companies) {
      const days = ownRetention(company.settings)[key];
      if (days !== undefined) explicit.set(days, [...(explicit.get(days) ?? []), company.id]);
    }
    for (const [days, ids] of explicit) groups.push({ class: name, kinds, days, companies: { in: ids } });
    // Sessions of companies with no period of their own, including companies since removed, get the default.
    if (defaultDays > 0) groups.push({ class: name, kinds, days: defaultDays, companies: { notIn: [...explicit.values()].flat() } });
  }
  return groups;
}

/** Deletes the artifacts of ended sessions whose end is older than their company's period. */
export async function sweepRetention(deps: RetentionDeps, now: Date = new Date()): Promise<SweepResult> {
  const started = Date.now();
  const total: Tally = { sessions: 0, artifacts: 0, bytes: 0, missing: 0, failed: 0, cleaned: new Set() };
  const groups = retentionGroups(await deps.companies.list(), deps.defaultDays);
  for (const group of groups) await sweepGroup(deps, group, new Date(now.getTime() - group.days * dayMs).toISOString(), total);
  total.sessions = total.cleaned.size;
  const { cleaned: _cleaned, ...result } = total;
  const summary = { ...result, groups: groups.length, ms: Date.now() - started };
  if (total.failed > 0) deps.log.warn(summary, 'retention sweep done; some sessions could not be cleaned and are retried next time');
  else deps.log.info(summary, 'retention sweep done');
  return result;
}

/** A sweep's running counts; a session whose recordings and evidence both expired counts once. */
type Tally = SweepResult & { cleaned: Set<string> };

async function sweepGroup(deps: RetentionDeps, group: Group, cutoff: string, total: Tally): Promise<void> {
  let after: { createdAt: string; id: string } | undefined;
  while (!deps.signal?.aborted) {
    const rows = await expiredQuery(deps.db, group, cutoff, after).execute();
    const last = rows.at(-1);
    if (!last) return;
    // One deletion per session (all of its expired files of this class), so each session gets one timeline event.
    for (const sessionId of new Set(rows.map((row) => row.session_id))) await expireSession(deps, group, cutoff, sessionId, total);
    if (rows.length < batchSize) return;
    // Keyset paging: a row that could not be deleted (a failed file) does not hold the sweep back.
    after = { createdAt: last.created_at, id: last.id };
  }
}

/**
 * Artifacts of `group`'s kinds and companies, created before `cutoff`, whose session ended before it too, oldest
 * first. Driven by the artifacts_created_id index (migration 0013): a file is made during its session, so one
 * older than the cutoff is a necessary condition, and the rows the range holds are the files still kept past it
 * (deleted ones are gone), never the sessions already cleaned. SQLite's CROSS JOIN keeps `artifacts` the outer
 * loop (its planner would otherwise walk every session of the company and sort); PostgreSQL reads it as a join.
 */
export function expiredQuery(db: Kysely<Database>, group: Group, cutoff: string, after: { createdAt: string; id: string } | undefined) {
  let query = db
    .selectFrom('artifacts as a')
    .crossJoin('sessions as s')
    .whereRef('s.id', '=', 'a.session_id')
    .select(['a.id', 'a.session_id', 'a.created_at'])
    .where('a.created_at', '<', cutoff)
    .where('a.kind', 'in', [...group.kinds])
    .where('s.state', 'in', [...endedStates])
    // An ended session is not written again until a retry, so its updated_at is when it ended.
    .where('s.updated_at', '<', cutoff);
  if ('in' in group.companies) query = query.where('s.company_id', 'in', group.companies.in);
  else if (group.companies.notIn.length > 0) query = query.where('s.company_id', 'not in', group.companies.notIn);
  if (after) query = query.where((eb) => eb(eb.refTuple('a.created_at', 'a.id'), '>', eb.tuple(after.createdAt, after.id)));
  return query.orderBy('a.created_at').orderBy('a.id').limit(batchSize);
}

async function expireSession(deps: RetentionDeps, group: Group, cutoff: string, sessionId: string, total: Tally): Promise<void> {
  try {
    const result = await deleteSessionArtifacts(deps, sessionId, {
      reason: 'retention',
      by: 'retention',
      kinds: group.kinds,
      createdBefore: cutoff,
      quiet: true,
      details: { retention: { class: group.class, days: group.days } },
    });
    if (result.artifacts === 0) return;
    total.cleaned.add(sessionId);
    total.artifacts += result.artifacts;
    total.bytes += result.bytes;
    total.missing += result.missing;
  } catch (error) {
    // Retried (or removed) since the batch was read: not expired any more, nothing to do.
    if (error instanceof SessionActiveError || error instanceof SessionNotFoundError) return;
    total.failed += 1;
    deps.log.warn({ err: error, sessionId }, 'retention: could not delete a session’s expired files');
  }
}

export interface RetentionSweeper {
  /** Runs a sweep now (after one under way here); undefined when another process holds the sweep's lease. */
  sweepNow(): Promise<SweepResult | undefined>;
  /** Stops the timer and waits for a sweep under way. */
  stop(): Promise<void>;
}

/**
 * Sweeps once at start and every `everyMs`, in one process at a time: the sweep holds a lease in the shared
 * store, so the processes of a scale-out installation do not delete the same files side by side.
 */
export function startRetentionSweeper(deps: RetentionDeps, leases: StoreLeases, everyMs: number): RetentionSweeper {
  const holder = `retention:${randomUUID()}`;
  const closing = new AbortController();
  let running: Promise<SweepResult | undefined> = Promise.resolve(undefined);
  let queued = 0;
  const once = async (): Promise<SweepResult | undefined> => {
    if (closing.signal.aborted) return undefined;
    const release = await leases.tryAcquire(leaseKey, holder);
    if (!release) {
      deps.log.debug('another process is sweeping expired recordings');
      return undefined;
    }
    try {
      return await sweepRetention({ ...deps, signal: closing.signal });
    } finally {
      await release();
    }
  };
  const sweepNow = (): Promise<SweepResult | undefined> => {
    queued += 1;
    running = running
      .catch(() => undefined)
      .then(once)
      .finally(() => (queued -= 1));
    return running;
  };
  const background = (): void => {
    // A sweep through a big backlog may outlast the interval: the timer does not pile more behind it.
    if (queued > 0) return;
    sweepNow().catch((error: unknown) => deps.log.error({ err: error }, 'retention sweep failed'));
  };
  const first = setTimeout(background, 0);
  const timer = setInterval(background, everyMs);
  first.unref();
  timer.unref();
  return {
    sweepNow,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      closing.abort();
      await running.catch(() => undefined);
    },
  };
}
