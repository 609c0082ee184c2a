import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { SettingsCipher } from './secrets.js';

/** How long a company found by assistant address is reused without reading the store again. */
const addressCacheMs = 1000;

export interface Company {
  id: string;
  name: string;
  assistantAddress: string;
  settings: Record<string, unknown>;
}

/** Companies and their settings (stored as one JSON document per company). */
export class CompanyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher?: SettingsCipher,
  ) {}

  /**
   * Every invite e-mail looks its assistant address up several times (RCPT TO, routing, each occurrence's
   * eligibility), and each lookup parses and opens the settings document: a short-lived cache, emptied on
   * `put`. Another process's change (PostgreSQL scale-out) is seen within `addressCacheMs`. Callers must
   * not mutate the company they get.
   */
  private readonly byAddress = new Map<string, { company: Company | undefined; until: number }>();
  private generation = 0;

  async get(id: string): Promise<Company | undefined> {
    const row = await this.db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.toCompany(row) : undefined;
  }

  async byAssistantAddress(address: string): Promise<Company | undefined> {
    const key = address.toLowerCase();
    const cached = this.byAddress.get(key);
    if (cached && cached.until > Date.now()) return cached.company;
    const generation = this.generation;
    const row = await this.db.selectFrom('companies').selectAll().where('assistant_address', '=', key).executeTakeFirst();
    const company = row ? this.toCompany(row) : undefined;
    if (this.byAddress.size >= 1000) this.byAddress.clear();
    // A `put` that ran while this read was under way may have made it stale: keep it out of the cache.
    if (generation === this.generation) this.byAddress.set(key, { company, until: Date.now() + addressCacheMs });
    return company;
  }

  async list(): Promise<Company[]> {
    const rows = await this.db.selectFrom('companies').selectAll().orderBy('id').execute();
    return rows.map((row) => this.toCompany(row));
  }

  async put(company: Company): Promise<Company> {
    const now = new Date().toISOString();
    const values = {
      name: company.name,
      assistant_address: company.assistantAddress.toLowerCase(),
      settings: JSON.stringify(this.cipher ? this.cipher.seal(company.settings) : company.settings),
      updated_at: now,
    };
    await this.db
      .insertInto('companies')
      .values({ id: company.id, created_at: now, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    this.byAddress.clear();
    this.generation += 1;
    return (await this.get(company.id)) ?? company;
  }

  /**
   * A keyed hash of a secret from a company's settings (SettingsCipher.fingerprint). Without a cipher the settings
   * themselves are stored in clear, so a plain hash gives nothing away that the row does not.
   */
  fingerprint(value: string): string {
    return this.cipher ? this.cipher.fingerprint(value) : createHash('sha256').update(value).digest('base64url');
  }

  private toCompany(row: { id: string; name: string; assistant_address: string; settings: string }): Company {
    const stored = JSON.parse(row.settings) as Record<string, unknown>;
    const settings = this.cipher ? (this.cipher.open(stored) as Record<string, unknown>) : stored;
    return { id: row.id, name: row.name, assistantAddress: row.assistant_address, settings };
  }
}



/**
 * The company `quorum serve` creates on first start so a fresh install can record straight away: Meet and
 * Teams (anonymous bot) enabled, no users yet, so only an operator's ad-hoc join (admin token) is eligible
 * until users are added through the admin API or the companies file.
 */
export const defaultCompany: Company = {
  id: 'default',
  name: 'Quorum Demo',
  assistantAddress: 'assistant@quorum.local',
  settings: {
    emailDomains: [],
    providers: { meet: { enabled: true }, teams: { enabled: true }, webex: { enabled: false }, zoom: { enabled: false } },
  },
};
