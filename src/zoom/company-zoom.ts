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

/** A company that receives Zoom webhooks: its webhook secret, and the Zoom account its events name. */
export interface WebhookCompany {
  companyId: string;
  secret: string;
  accountId?: string;
}

/**
 * Every company with a Zoom webhook secret, for the shared webhook URL, which has to find the company from the event.
 * Read afresh per request (no cache): a secret just saved must validate at once, and Zoom sends few requests.
 */
export async function webhookCompanies(companies: Pick<CompanyStore, 'list'>): Promise<WebhookCompany[]> {
  const found: WebhookCompany[] = [];
  for (const company of await companies.list()) {
    const parsed = zoomSettingsSchema.safeParse(providerEntry(company.settings, 'zoom'));
    const secret = parsed.success ? parsed.data.webhookSecretToken : undefined;
    if (!parsed.success || !secret) continue;
    found.push({ companyId: company.id, secret, ...(parsed.data.accountId ? { accountId: parsed.data.accountId } : {}) });
  }
  return found;
}
