import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TenancyError } from '../../companies/index.js';
import { companyProviders } from '../../console/api.js';
import { providerIds } from '../../eligibility/settings.js';
import { AccountMarks } from '../../scheduler/account-marks.js';
import { principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const statusQuery = z.object({ companyId: z.string().min(1).optional() });
const markParams = z.object({ companyId: z.string().min(1), provider: z.enum(providerIds), email: z.string().min(1).max(320) });

/** Who acted, for the log: the operator, or the company token by its id (never the token itself). */
function actor(request: FastifyRequest): { by: 'admin' } | { by: 'company_token'; tokenId: string } {
  const principal = principalOf(request);
  return principal.kind === 'admin' ? { by: 'admin' } : { by: 'company_token', tokenId: principal.tokenId };
}

/**
 * `GET /v1/providers/status`: each company's providers with their toggle and the errors and warnings of
 * their settings (the article's "Details column"), from the same function eligibility reads, and each bot
 * account with whether its sign-in stays refused (never a password). A company token's `companyId` is forced
 * to its own company by the token check.
 *
 * `DELETE /v1/companies/:companyId/providers/:provider/accounts/:email/mark`: an operator who fixed the account at
 * the identity provider clears its mark by hand, so the next meeting signs in with it again. Only a mark that
 * holds for the credentials the settings have now counts (the one the status shows); none is a 404. Scoped like
 * every `:companyId` route (src/api/auth.ts). No session is involved, so it leaves no timeline event: the log
 * says who cleared it.
 */
export function providerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const marks = new AccountMarks(deps.store.db, deps.companies);
  const log = deps.logger.child({ component: 'bot-accounts' });
  app.get('/v1/providers/status', async (request) => {
    const { companyId } = parse(statusQuery, request.query);
    const companies = companyId ? [await deps.companies.get(companyId)] : await deps.companies.list();
    const found = companies.filter((company) => company !== undefined);
    if (companyId && found.length === 0) throw new TenancyError(404, 'not_found', `company ${companyId} not found`);
    return { companies: await Promise.all(found.map((company) => companyProviders(company, marks))) };
  });

  app.delete('/v1/companies/:companyId/providers/:provider/accounts/:email/mark', async (request, reply) => {
    const { companyId, provider, email } = parse(markParams, request.params);
    const company = await deps.companies.get(companyId);
    if (!company) throw new TenancyError(404, 'not_found', `company ${companyId} not found`);
    // The mark the provider status shows: one that holds for the credentials the settings have now.
    const shown = (await companyProviders(company, marks)).providers?.[provider].accounts ?? [];
    const held = shown.some((account) => account.status === 'sign_in_failed' && account.email.toLowerCase() === email.toLowerCase());
    if (!held) throw new TenancyError(404, 'not_found', `the ${provider} bot account ${email} of company ${companyId} has no mark`);
    await marks.clear(companyId, provider, email);
    log.info({ companyId, provider, account: email, ...actor(request) }, 'bot account mark cleared by hand: meetings sign in with it again');
    return reply.code(204).send();
  });
}
