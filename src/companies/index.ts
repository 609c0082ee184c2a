import type { CompanySettingsService } from './settings-service.js';
import type { RequestDecider } from './requests.js';
import type { TokenStore } from './tokens.js';

export { CompanyStore, defaultCompany, type Company } from './company-store.js';
export { applyCompaniesFile, readCompaniesFile } from './config-file.js';
export { joinCheck } from './join-check.js';
export { RequestDecider } from './requests.js';
export { CompanySettingsService, TenancyError } from './settings-service.js';
export { TokenStore } from './tokens.js';

/** What the tenancy routes need: the settings gate, the token store and the request decider. */
export interface TenancyApi {
  settings: CompanySettingsService;
  tokens: TokenStore;
  decider: RequestDecider;
  /** `QUORUM_PUBLIC_URL`, where consent links live; unset: the address the API was called on. */
  publicUrl?: string;
}
export { createTenancy, type Tenancy } from './tenancy.js';
