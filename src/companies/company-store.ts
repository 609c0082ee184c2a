import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface Company {
  id: string;
  name: string;
  assistantAddress: string;
  settings: Record<string, unknown>;
}

/** Companies and their settings (stored as one JSON document per company). */
export class CompanyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<Company | undefined> {
    const row = await this.db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCompany(row) : undefined;
  }

  async byAssistantAddress(address: string): Promise<Company | undefined> {
    const row = await this.db.selectFrom('companies').selectAll().where('assistant_address', '=', address.toLowerCase()).executeTakeFirst();
    return row ? toCompany(row) : undefined;
  }

  async list(): Promise<Company[]> {
    const rows = await this.db.selectFrom('companies').selectAll().orderBy('id').execute();
    return rows.map(toCompany);
  }

  async put(company: Company): Promise<Company> {
    const now = new Date().toISOString();
    const values = {
      name: company.name,
      assistant_address: company.assistantAddress.toLowerCase(),
      settings: JSON.stringify(company.settings),
      updated_at: now,
    };
    await this.db
      .insertInto('companies')
      .values({ id: company.id, created_at: now, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    return (await this.get(company.id)) ?? company;
  }
}

function toCompany(row: { id: string; name: string; assistant_address: string; settings: string }): Company {
  return { id: row.id, name: row.name, assistantAddress: row.assistant_address, settings: JSON.parse(row.settings) as Record<string, unknown> };
}

/** The company `quorum serve` creates on first start so a fresh install can record straight away. */
export const defaultCompany: Company = {
  id: 'default',
  name: 'Quorum Demo',
  assistantAddress: 'assistant@quorum.local',
  settings: { botName: 'Quorum Assistant' },
};
