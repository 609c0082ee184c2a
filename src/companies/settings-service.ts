import { redactSecrets } from '../console/api.js';
import { settingPath } from '../eligibility/paths.js';
import { providerStatus, type ProviderStatus } from '../eligibility/provider-status.js';
import { companySettingsSchema, type CompanySettings } from '../eligibility/settings.js';
import { companySettingsOf } from '../intake/planner.js';
import type { ProviderId } from '../../providers/types.js';
import type { Company, CompanyStore } from './company-store.js';

/** A refused settings change, with the HTTP status and a stable code the API answers with. */
export class TenancyError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TenancyError';
  }
}

/** What `GET /v1/companies/:id` shows: the settings with secrets masked, and the provider status. */
export interface CompanyView {
  company: unknown;
  providerStatus: Record<ProviderId, ProviderStatus>;
}

/** Settings documents as plain JSON while a change is applied; the schema checks the result. */
export type SettingsDocument = Record<string, unknown>;

/** The value GET shows in place of a secret; sent back unchanged in a PUT it keeps the stored secret. */
export const secretMask = '••••••';

/** Problems of a settings document, each naming the field (`users["ana@acme.com"].permissionProfile: ...`). */
export function settingsProblems(input: unknown): { settings?: CompanySettings; problems: string[] } {
  const parsed = companySettingsSchema.safeParse(input);
  if (parsed.success) return { settings: parsed.data, problems: [] };
  return { problems: parsed.error.issues.map((issue) => `${settingPath(...issue.path.map(String)) || '(settings)'}: ${issue.message}`) };
}

/** Keys the schema reads and moves on read (Meet's `signedInBot` became `authenticatedBot`): known, not typos. */
const migratedKeys: ReadonlySet<string> = new Set(['signedInBot']);

/**
 * Fields of `input` that the schema does not know and dropped from its `output` (a misspelled `botname`, a
 * setting of a later version), as settings paths. Kept silently, they would be saved as if accepted.
 */
export function unknownFields(input: unknown, output: unknown, path: string[] = []): string[] {
  if (Array.isArray(input) && Array.isArray(output)) return input.flatMap((item, index) => unknownFields(item, output[index], [...path, String(index)]));
  if (!isPlainObject(input) || !isPlainObject(output)) return [];
  return Object.entries(input).flatMap(([key, value]) => {
    if (migratedKeys.has(key)) return [];
    if (!Object.hasOwn(output, key)) return value === undefined ? [] : [settingPath(...path, key)];
    return unknownFields(value, output[key], [...path, key]);
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Puts stored secrets back where a client sent the mask it was shown. */
export function restoreSecrets(incoming: unknown, stored: unknown): unknown {
  if (incoming === secretMask) return stored;
  if (Array.isArray(incoming)) return incoming.map((item, index) => restoreSecrets(item, storedItem(item, index, stored)));
  if (incoming === null || typeof incoming !== 'object') return incoming;
  const before = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(incoming as Record<string, unknown>).map(([key, value]) => [key, restoreSecrets(value, before[key])]));
}

/**
 * The stored entry a list item was shown as: the one with the same `url` (webhook endpoints) or `email` (bot
 * accounts), so a list sent back reordered or shortened keeps each entry's own secret; else the same position.
 */
function storedItem(item: unknown, index: number, stored: unknown): unknown {
  const list: unknown[] = Array.isArray(stored) ? stored : [];
  for (const key of ['url', 'email']) {
    const id = isPlainObject(item) ? item[key] : undefined;
    if (typeof id === 'string') return list.find((entry) => isPlainObject(entry) && entry[key] === id);
  }
  return list[index];
}

function documentOf(company: Company): SettingsDocument {
  return { ...company.settings, id: company.id, name: company.name, assistantAddress: company.assistantAddress };
}

/**
 * Companies' settings through one gate: every write is validated by the same schema eligibility reads,
 * the assistant address stays unique across companies and never takes a retired generic address.
 */
export class CompanySettingsService {
  private readonly retired: Set<string>;

  constructor(
    private readonly companies: CompanyStore,
    retiredAssistantAddresses: readonly string[],
  ) {
    this.retired = new Set(retiredAssistantAddresses.map((address) => address.toLowerCase()));
  }

  async read(id: string): Promise<CompanySettings | undefined> {
    const company = await this.companies.get(id);
    return company ? companySettingsOf(company) : undefined;
  }

  view(settings: CompanySettings): CompanyView {
    return { company: redactSecrets(settings), providerStatus: providerStatus(settings) };
  }

  /** Creates a company; 409 when the id exists. */
  async create(input: unknown): Promise<CompanySettings> {
    const id = (input as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && (await this.companies.get(id))) throw new TenancyError(409, 'company_exists', `company ${id} already exists; PUT /v1/companies/${id} replaces its settings`);
    return this.save(input);
  }

  /** Creates or replaces a company's whole settings document (the id comes from the path). */
  async replace(id: string, input: unknown): Promise<{ settings: CompanySettings; created: boolean }> {
    const current = await this.companies.get(id);
    const body = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as SettingsDocument) : {};
    const document = { ...(restoreSecrets(body, current ? documentOf(current) : {}) as SettingsDocument), id };
    return { settings: await this.save(document), created: current === undefined };
  }

  /** Applies a change to an existing company's document, then validates and stores the result. */
  async update(id: string, change: (document: SettingsDocument) => void): Promise<CompanySettings> {
    const current = await this.companies.get(id);
    if (!current) throw new TenancyError(404, 'not_found', `company ${id} not found`);
    const stored = documentOf(current);
    const document = structuredClone(stored);
    change(document);
    // Only what this change brought in: a field the store already held is not the client's to answer for.
    const before = new Set(unknownFields(stored, companySettingsSchema.safeParse(stored).data ?? stored));
    return this.save({ ...document, id }, (field) => !before.has(field));
  }

  /**
   * Validates a whole document and stores it; the one write path (API and companies file alike). A field the
   * schema does not know is refused like a bad one (`reported` picks which unknown fields are the caller's).
   */
  async save(input: unknown, reported: (field: string) => boolean = () => true): Promise<CompanySettings> {
    const { settings, problems } = settingsProblems(input);
    if (!settings) throw new TenancyError(400, 'invalid_settings', problems.join('; '));
    const unknown = unknownFields(input, settings).filter(reported);
    if (unknown.length > 0) throw new TenancyError(400, 'invalid_settings', unknown.map((field) => `${field}: not a setting Quorum knows (misspelled?)`).join('; '));
    await this.checkAddress(settings);
    const { id, name, assistantAddress, ...rest } = settings;
    await this.companies.put({ id, name, assistantAddress, settings: rest });
    return settings;
  }

  private async checkAddress(settings: CompanySettings): Promise<void> {
    const address = settings.assistantAddress.toLowerCase();
    if (this.retired.has(address)) {
      throw new TenancyError(422, 'assistant_address_retired', `assistantAddress: ${address} is the retired generic assistant address; give ${settings.id} its own unique address`);
    }
    const owner = await this.companies.byAssistantAddress(address);
    if (owner && owner.id !== settings.id) {
      throw new TenancyError(409, 'assistant_address_taken', `assistantAddress: ${address} is already the assistant address of another company; each company needs its own`);
    }
  }
}
