import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ApiDeps } from '../api/deps.js';
import { parse } from '../api/validation.js';
import type { Company } from '../companies/company-store.js';
import { isSecretField } from '../companies/secrets.js';
import type { ProviderId } from '../../providers/types.js';
import { accountStatuses, botAccountsByProvider, providerStatus } from '../eligibility/provider-status.js';
import { providerIds, providersSettingsSchema } from '../eligibility/settings.js';
import { AccountMarks } from '../scheduler/account-marks.js';
import { endCodes } from '../sessions/end-codes.js';
import { sessionStates } from '../sessions/states.js';
import type { Database } from '../store/schema.js';
import { endpointsOf } from '../webhooks/endpoint-settings.js';
import { endpointStatus } from '../webhooks/index.js';
import { renderCharts } from './charts.js';
import { readStats } from './stats.js';

/** Keys whose values never leave the server, even to an operator reading settings. */
/** A copy of a settings document with every secret value replaced, so the Companies view is safe to show. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isSecretField(k) && typeof v !== 'object' ? '••••••' : redactSecrets(v)]),
  );
}

/**
 * A company as the Companies view shows it, with where deliveries to each of its webhook endpoints stand (what
 * `GET /v1/companies/:id/webhooks` answers, never a secret): the endpoints the dispatcher reads, in their order.
 */
async function companyView(company: Company, db: Kysely<Database>) {
  const webhooks = await endpointStatus(db, company.id, endpointsOf(company.settings));
  return { id: company.id, name: company.name, assistantAddress: company.assistantAddress, settings: redactSecrets(company.settings), webhooks };
}

/**
 * The provider status page of one company, derived with the same function eligibility uses, and each bot account
 * with whether its sign-in stays refused (`marks`, read against the credentials the settings hold now).
 */
export async function companyProviders(company: Company, marks: AccountMarks) {
  const parsed = providersSettingsSchema.safeParse(company.settings.providers ?? {});
  if (!parsed.success) {
    return { companyId: company.id, name: company.name, invalid: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), providers: null };
  }
  const providers = providerStatus({ providers: parsed.data });
  for (const [provider, accounts = []] of Object.entries(botAccountsByProvider(parsed.data))) {
    providers[provider as ProviderId].accounts = accountStatuses(accounts, await marks.current(company.id, provider, accounts));
  }
  return { companyId: company.id, name: company.name, invalid: null, providers };
}

const companyQuery = z.object({ companyId: z.string().min(1).optional() });

/**
 * Which company a request may see: undefined for the admin token (every company), a company id for a
 * per-company token. The API's auth decides; the console only applies it.
 */
export type CompanyScope = (request: FastifyRequest) => string | undefined;

/** The company a request asks for, narrowed to its scope: a company token asking for another company sees nothing. */
export function scopedCompany(scope: CompanyScope, request: FastifyRequest, asked: string | undefined): string | undefined {
  const own = scope(request);
  if (own === undefined) return asked;
  // Another company's id: answer as if for a company that cannot exist (ids are [a-z0-9_-]), so every lookup is empty.
  return asked === undefined || asked === own ? own : `\u0000not-${own}`;
}
const statsQuery = companyQuery.extend({ hours: z.coerce.number().int().min(1).max(24 * 14).default(24) });

/** Read-only data the console needs beyond /v1 (mounted under /console/api, behind the API's bearer check). */
export function consoleApiRoutes(app: FastifyInstance, deps: ApiDeps, scope: CompanyScope): void {
  const companiesFor = async (request: FastifyRequest, asked: string | undefined): Promise<Company[]> => {
    const companyId = scopedCompany(scope, request, asked);
    if (!companyId) return deps.companies.list();
    const company = await deps.companies.get(companyId);
    return company ? [company] : [];
  };

  // The vocabularies the filters and labels use, from the same tables the server validates against; `admin`
  // tells the console whether to offer the operator-only views (received invite e-mails).
  app.get('/console/api/meta', (request) => ({ states: sessionStates, endCodes, providers: providerIds, admin: scope(request) === undefined }));

  app.get('/console/api/companies', async (request) => {
    const { companyId } = parse(companyQuery, request.query);
    return { companies: await Promise.all((await companiesFor(request, companyId)).map((company) => companyView(company, deps.store.db))) };
  });

  const marks = new AccountMarks(deps.store.db, deps.companies);
  app.get('/console/api/providers', async (request) => {
    const { companyId } = parse(companyQuery, request.query);
    return { companies: await Promise.all((await companiesFor(request, companyId)).map((company) => companyProviders(company, marks))) };
  });

  app.get('/console/api/stats', async (request) => {
    const query = parse(statsQuery, request.query);
    const companyId = scopedCompany(scope, request, query.companyId);
    const stats = await readStats(deps.store.db, { hours: query.hours, ...(companyId ? { companyId } : {}) });
    return { stats, charts: renderCharts(stats) };
  });
}
