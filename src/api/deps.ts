import type { Logger } from 'pino';
import type { LiveBus } from '../bus.js';
import type { CompanyStore } from '../companies/company-store.js';
import type { TenancyApi } from '../companies/index.js';
import type { TokenStore } from '../companies/tokens.js';
import type { Metrics } from '../metrics.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { ArtifactStore } from '../sessions/artifacts.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Store } from '../store/database.js';

/** What the HTTP layer needs; routes stay thin: parse, call, map. */
export interface ApiDeps {
  store: Store;
  sessions: SessionStore;
  artifacts: ArtifactStore;
  companies: CompanyStore;
  scheduler: Scheduler;
  metrics: Metrics;
  bus: LiveBus;
  logger: Logger;
  adminToken: string;
  leadSeconds: number;
  /** Whether this process's bots still find their Chromium (for /healthz); unset: the process runs no bots. */
  chromium?: () => Promise<boolean>;
  /** Per-company API tokens; unset: only the admin token is accepted. */
  tokens?: TokenStore;
  /** The tenancy admin API, explain and recording requests; unset: those routes are not served. */
  tenancy?: TenancyApi;
}
