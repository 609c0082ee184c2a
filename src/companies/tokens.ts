import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Per-company API tokens. A token is 256 random bits behind a recognizable prefix, so its plain SHA-256
 * is a safe lookup key (nothing to brute-force) and the database never holds a usable token.
 */
const prefix = 'qco_';

export interface ApiToken {
  id: string;
  companyId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedToken {
  token: string;
  record: ApiToken;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toToken(row: Database['api_tokens']): ApiToken {
  return { id: row.id, companyId: row.company_id, name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at };
}

export class TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Issues a token for a company; the plain token is returned once and never stored. */
  async create(companyId: string, name: string): Promise<CreatedToken> {
    const token = `${prefix}${randomBytes(32).toString('base64url')}`;
    const row = { id: randomUUID(), company_id: companyId, name, token_hash: hashOf(token), created_at: new Date().toISOString(), revoked_at: null };
    await this.db.insertInto('api_tokens').values(row).execute();
    return { token, record: toToken(row) };
  }

  async list(companyId: string): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('company_id', '=', companyId).orderBy('created_at').execute();
    return rows.map(toToken);
  }

  /** Revokes one token of a company; false when the company has no such active token. */
  async revoke(companyId: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('company_id', '=', companyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The active token a presented string is, if any. */
  async resolve(presented: string): Promise<ApiToken | undefined> {
    if (!presented.startsWith(prefix)) return undefined;
    const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashOf(presented)).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }
}
