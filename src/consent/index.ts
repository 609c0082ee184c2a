import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CompanyStore } from '../companies/company-store.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Database } from '../store/schema.js';
import { consentApiRoutes } from './api-routes.js';
import { consentPageRoutes } from './page-routes.js';
import { ConsentService, type SessionAborter } from './service.js';
import { ConsentStore } from './store.js';
import { ParticipantHasher } from './tokens.js';

export { ConsentService, meetingKeyOf, type CountedChoice, type MeetingOccasion, type ResolvedConsentLink } from './service.js';
export { ConsentStore } from './store.js';

export interface ConsentOptions {
  db: Kysely<Database>;
  sessions: SessionStore;
  /** Ends declined sessions; called only after start-up, so the scheduler may be created later. */
  scheduler: SessionAborter;
  companies: CompanyStore;
  logger: Logger;
  /** Key for hashing participant addresses and browser ids. */
  secret: string;
  windowMinutes: number;
  publicUrl?: string;
}

/** Consent links, the consent page and the gate, as one unit the composition root wires in. */
export interface Consent {
  store: ConsentStore;
  service: ConsentService;
  companies: CompanyStore;
  log: Logger;
  publicUrl?: string;
}

export function createConsent(options: ConsentOptions): Consent {
  const store = new ConsentStore(options.db);
  const log = options.logger.child({ component: 'consent' });
  const service = new ConsentService({
    db: options.db,
    store,
    sessions: options.sessions,
    scheduler: options.scheduler,
    hasher: new ParticipantHasher(options.secret),
    windowMs: options.windowMinutes * 60_000,
    log,
  });
  return { store, service, companies: options.companies, log, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) };
}

/** `GET /c/:token` and `POST /c/:token`: public, registered outside the bearer-token hook. */
export async function registerConsentPages(app: FastifyInstance, consent: Consent): Promise<void> {
  const secureCookies = consent.publicUrl?.startsWith('https:') ?? false;
  await app.register(consentPageRoutes({ consent: consent.service, companies: consent.companies, secureCookies, log: consent.log }), { prefix: '/c' });
}

/** The consent-link API under /v1 (inside the bearer-token hook). */
export function registerConsentApi(v1: FastifyInstance, consent: Consent): void {
  consentApiRoutes(v1, { store: consent.store, companies: consent.companies, ...(consent.publicUrl ? { publicUrl: consent.publicUrl } : {}) });
}
