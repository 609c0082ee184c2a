import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, ZoomDeliveryTable } from '../store/schema.js';

/**
 * `queued` → `fetching` (bound to its session before the first byte, so a retry of the session finds it) →
 * `processed` | `failed`; or `unmatched` (kept for the match window, then `expired`), `ignored` (not a
 * recording) or `refused` (a download URL off Zoom's hosts; the reason is kept in the body).
 */
export type DeliveryStatus = 'queued' | 'fetching' | 'processed' | 'unmatched' | 'ignored' | 'failed' | 'refused' | 'expired';

export interface Delivery {
  key: string;
  companyId: string;
  event: string;
  body: string;
  status: DeliveryStatus;
  sessionId: string | null;
  receivedAt: string;
  /** Why a `refused` delivery was refused. */
  refusedBecause?: string;
}

/** The body without the webhook's download token (sensitive: it downloads the files on its own). */
function withoutToken(body: string, extra: Record<string, unknown> = {}): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    delete parsed['download_token'];
    return JSON.stringify({ ...parsed, ...extra });
  } catch {
    return JSON.stringify(extra);
  }
}

/** Zoom webhook bookkeeping: accepted signatures, deliveries by content key, and files already fetched. */
export class ZoomDeliveries {
  constructor(private readonly db: Kysely<Database>) {}

  /** False when this exact signature was accepted before: the request is a replay. */
  async rememberSignature(signature: string, now: Date): Promise<boolean> {
    const result = await this.db
      .insertInto('zoom_signatures')
      .values({ signature, received_at: now.toISOString() })
      .onConflict((oc) => oc.column('signature').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Signatures older than the timestamp window can never verify again, so they need not be kept. */
  async forgetSignaturesBefore(before: Date): Promise<void> {
    await this.db.deleteFrom('zoom_signatures').where('received_at', '<', before.toISOString()).execute();
  }

  /** Stores a verified delivery; `duplicate` when the same content was delivered before (a Zoom retry). */
  async accept(input: { key: string; companyId: string; event: string; body: string; now: Date }): Promise<'new' | 'duplicate'> {
    const result = await this.db
      .insertInto('zoom_deliveries')
      .values({ key: input.key, company_id: input.companyId, event: input.event, body: input.body, status: 'queued', session_id: null, received_at: input.now.toISOString(), processed_at: null })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) return 'new';
    await this.db.updateTable('zoom_deliveries').set({ duplicates: sql<number>`duplicates + 1` }).where('key', '=', input.key).execute();
    return 'duplicate';
  }

  async get(key: string): Promise<Delivery | undefined> {
    const row = await this.db.selectFrom('zoom_deliveries').selectAll().where('key', '=', key).executeTakeFirst();
    return row ? toDelivery(row) : undefined;
  }

  async finish(key: string, status: DeliveryStatus, sessionId?: string): Promise<void> {
    await this.db
      .updateTable('zoom_deliveries')
      .set({ status, session_id: sessionId ?? null, processed_at: new Date().toISOString() })
      .where('key', '=', key)
      .execute();
  }

  /** Ties a delivery to the session it is fetched for, before the fetch starts. */
  async bind(key: string, sessionId: string): Promise<void> {
    await this.db.updateTable('zoom_deliveries').set({ status: 'fetching', session_id: sessionId }).where('key', '=', key).execute();
  }

  /** The recordings fetched (or being fetched) for a session, oldest first: what a retry of it fetches again. */
  async forSession(sessionId: string): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('zoom_deliveries')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('status', 'in', ['fetching', 'processed', 'failed'])
      .orderBy('received_at')
      .execute();
    return rows.map(toDelivery);
  }

  /** Refused for good: the reason is kept, the download token is not. */
  async refuse(key: string, reason: string): Promise<void> {
    const row = await this.db.selectFrom('zoom_deliveries').select('body').where('key', '=', key).executeTakeFirst();
    if (!row) return;
    await this.db
      .updateTable('zoom_deliveries')
      .set({ status: 'refused', body: withoutToken(row.body, { quorumRefusal: reason }), processed_at: new Date().toISOString() })
      .where('key', '=', key)
      .execute();
  }

  /** Drops the download token of a delivery once nothing needs it (its session has every file). */
  async forgetToken(key: string): Promise<void> {
    const row = await this.db.selectFrom('zoom_deliveries').select('body').where('key', '=', key).executeTakeFirst();
    if (row?.body.includes('"download_token"')) await this.db.updateTable('zoom_deliveries').set({ body: withoutToken(row.body) }).where('key', '=', key).execute();
  }

  /**
   * Unmatched deliveries received before `before` can no longer match (a session waits at most the same window
   * after its meeting): they become `expired`, are never read again, and lose their download token. Tokens of
   * any delivery older than `tokensBefore` go too (Zoom's expire after 24 h; a retry then asks the API).
   */
  async expire(before: Date, tokensBefore: Date): Promise<number> {
    const now = new Date().toISOString();
    const stale = await this.db
      .selectFrom('zoom_deliveries')
      .select(['key', 'body', 'status'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'unmatched'), eb('received_at', '<', before.toISOString())]),
          eb.and([eb('status', 'not in', ['queued', 'unmatched']), eb('received_at', '<', tokensBefore.toISOString()), eb('body', 'like', '%"download_token"%')]),
        ]),
      )
      .execute();
    let expired = 0;
    for (const row of stale) {
      const status = row.status === 'unmatched' ? 'expired' : row.status;
      // The status in the WHERE: a delivery matched meanwhile (another process) is left alone.
      await this.db.updateTable('zoom_deliveries').set({ status, body: withoutToken(row.body), ...(status === 'expired' ? { processed_at: now } : {}) }).where('key', '=', row.key).where('status', '=', row.status).execute();
      if (status === 'expired') expired += 1;
    }
    return expired;
  }

  /** Deliveries accepted but not processed (the process stopped in between): processed again at start. */
  async queued(): Promise<Delivery[]> {
    const rows = await this.db.selectFrom('zoom_deliveries').selectAll().where('status', '=', 'queued').orderBy('received_at').execute();
    return rows.map(toDelivery);
  }

  /** Recordings no planned session matched yet (e.g. one that arrived before its session was waiting). */
  async unmatched(companyId: string, since: Date): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('zoom_deliveries')
      .selectAll()
      .where('status', '=', 'unmatched')
      .where('company_id', '=', companyId)
      .where('received_at', '>=', since.toISOString())
      .execute();
    return rows.map(toDelivery);
  }

  async fetchedFiles(sessionId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('zoom_files').select('file_id').where('session_id', '=', sessionId).execute();
    return new Set(rows.map((row) => row.file_id));
  }

  async fileFetched(sessionId: string, fileId: string, artifactId: string): Promise<void> {
    await this.db
      .insertInto('zoom_files')
      .values({ session_id: sessionId, file_id: fileId, artifact_id: artifactId, fetched_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['session_id', 'file_id']).doNothing())
      .execute();
  }
}

function toDelivery(row: Selectable<ZoomDeliveryTable>): Delivery {
  return {
    key: row.key,
    companyId: row.company_id,
    event: row.event,
    body: row.body,
    status: row.status as DeliveryStatus,
    sessionId: row.session_id,
    receivedAt: row.received_at,
    ...(row.status === 'refused' ? { refusedBecause: refusalIn(row.body) } : {}),
  };
}

function refusalIn(body: string): string {
  try {
    const reason = (JSON.parse(body) as { quorumRefusal?: unknown }).quorumRefusal;
    return typeof reason === 'string' ? reason : 'unknown';
  } catch {
    return 'unknown';
  }
}
