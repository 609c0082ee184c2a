import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TenancyError } from '../../companies/index.js';
import { companyProviders } from '../../console/api.js';
import { AccountMarks } from '../../scheduler/account-marks.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const statusQuery = z.object({ companyId: z.string().min(1).optional() });

/**
 * `GET /v1/providers/status`: each company's providers with their toggle and the errors and warnings of
 * their settings (the article's "Details column"), from the same function eligibility reads, and each bot
 * account with whether its sign-in stays refused (never a password). A company token's `companyId` is forced
 * to its own company by the token check.
 */
export function providerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const marks = new AccountMarks(deps.store.db, deps.companies);
  app.get('/v1/providers/status', async (request) => {
    const { companyId } = parse(statusQuery, request.query);
    const companies = companyId ? [await deps.companies.get(companyId)] : await deps.companies.list();
    const found = companies.filter((company) => company !== undefined);
    if (companyId && found.length === 0) throw new TenancyError(404, 'not_found', `company ${companyId} not found`);
    return { companies: await Promise.all(found.map((company) => companyProviders(company, marks))) };
  });
}
