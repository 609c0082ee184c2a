import { zoomSettingsSchema } from '../eligibility/settings.js';
import { providerEntry } from '../companies/provider-entry.js';
import type { CompanyStore } from '../companies/company-store.js';
import type { ZoomApiCredentials } from './api-client.js';

export type ZoomSettings = ReturnType<typeof zoomSettingsSchema.parse>;

/** A company's Zoom settings, or undefined when it has none that parse (the settings API validated them on save). */
export async function zoomSettingsOf(companies: Pick<CompanyStore, 'get'>, companyId: string): Promise<ZoomSettings | undefined> {
  const company = await companies.get(companyId);
  const parsed = zoomSettingsSchema.safeParse(providerEntry(company?.settings, 'zoom'));
  return parsed.success ? parsed.data : undefined;
}

/** Server-to-Server OAuth credentials, when all three are set. */
export function apiCredentials(zoom: ZoomSettings): ZoomApiCredentials | undefined {
  const { accountId, clientId, clientSecret } = zoom;
  if (!accountId || !clientId || !clientSecret) return undefined;
  return {
    accountId,
    clientId,
    clientSecret,
    ...(zoom.apiBaseUrl ? { apiBaseUrl: zoom.apiBaseUrl } : {}),
    ...(zoom.oauthBaseUrl ? { oauthBaseUrl: zoom.oauthBaseUrl } : {}),
  };
}
