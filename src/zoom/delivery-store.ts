import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, ZoomDeliveryTable } from '../store/schema.js';

export type DeliveryStatus = 'queued' | 'processed' | 'unmatched' | 'ignored' | 'failed';

export interface Delivery {
  key: string;
  companyId: string;
  event: string;
  body: string;
  status: DeliveryStatus;
  sessionId: string | null;
  receivedAt: string;
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

  /** Deliveries accepted but not processed (the process stopped in between): processed again at start. */
  async queued(): Promise<Delivery[]> {
    const rows = await this.db.selectFrom('zoom_deliveries').selectAll().where('status', '=', 'queued').orderBy('received_at').execute();
    return rows.map(toDelivery);
  }

  /** Recordings no planned session matched yet (e.g. one that arrived before its session was waiting). */
  async unmatched(companyId: string): Promise<Delivery[]> {
    const rows = await this.db.selectFrom('zoom_deliveries').selectAll().where('status', '=', 'unmatched').where('company_id', '=', companyId).execute();
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
  };
}
