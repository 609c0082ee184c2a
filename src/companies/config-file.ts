import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import type { CompanySettings } from '../eligibility/settings.js';
import { settingsProblems, TenancyError, type CompanySettingsService } from './settings-service.js';

/**
 * `QUORUM_COMPANIES_FILE`: companies as configuration, a JSON document `{"companies": [...]}` (or just the
 * array) of the same settings `PUT /v1/companies/:id` takes. It is read before anything starts and a bad
 * file stops the start with the path and the field; at start its companies replace the stored ones.
 */
export function readCompaniesFile(path: string, retiredAssistantAddresses: readonly string[]): CompanySettings[] {
  const fail = (message: string): never => {
    throw new ConfigError(`QUORUM_COMPANIES_FILE (${path}): ${message}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(`cannot read it as JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { companies?: unknown } | null)?.companies;
  if (!Array.isArray(list)) return fail('expected {"companies": [ ...company settings ]}');
  const retired = new Set(retiredAssistantAddresses.map((address) => address.toLowerCase()));
  const seen = new Map<string, string>();
  return list.map((entry, index) => {
    const { settings, problems } = settingsProblems(entry);
    if (!settings) return fail(problems.map((problem) => `companies[${index}].${problem}`).join('; '));
    const address = settings.assistantAddress.toLowerCase();
    if (retired.has(address)) fail(`companies[${index}].assistantAddress: ${address} is the retired generic assistant address`);
    const other = seen.get(address);
    if (other !== undefined) fail(`companies[${index}].assistantAddress: ${address} is already the address of ${other}`);
    if ([...seen.values()].includes(settings.id)) fail(`companies[${index}].id: ${settings.id} appears twice`);
    seen.set(address, settings.id);
    return settings;
  });
}

/** Stores the file's companies through the same gate as the API (an address taken by a stored company stops the start). */
export async function applyCompaniesFile(path: string, companies: readonly CompanySettings[], service: CompanySettingsService): Promise<void> {
  for (const [index, settings] of companies.entries()) {
    try {
      await service.save(settings);
    } catch (error) {
      if (error instanceof TenancyError) throw new ConfigError(`QUORUM_COMPANIES_FILE (${path}): companies[${index}].${error.message}`);
      throw error;
    }
  }
}
