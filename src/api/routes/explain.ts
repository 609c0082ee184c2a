import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TenancyError, type TenancyApi } from '../../companies/index.js';
import { explainBody } from '../../companies/requests.js';
import { principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

export function consentBaseOf(tenancy: TenancyApi, request: FastifyRequest): string {
  return (tenancy.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

/**
 * `POST /v1/explain`: what a recording request (a meeting URL or an .ics) would get, as the full Decision,
 * without storing or planning anything. Consent choices already made count, as they would at the join.
 */
export function explainRoutes(app: FastifyInstance, deps: ApiDeps & { tenancy: TenancyApi }): void {
  app.post('/v1/explain', async (request) => {
    const { company: named, companyId, ...body } = parse(explainBody, request.body);
    const id = named ?? companyId ?? '';
    const principal = principalOf(request);
    if (principal.kind === 'company' && principal.companyId !== id) throw new TenancyError(404, 'not_found', `company ${id} not found`);
    const company = await deps.tenancy.settings.read(id);
    if (!company) throw new TenancyError(404, 'not_found', `company ${id} not found`);
    const { decision } = await deps.tenancy.decider.decide({
      company,
      body,
      admin: principal.kind === 'admin',
      now: new Date(),
      withOutcomes: true,
      consentBaseUrl: consentBaseOf(deps.tenancy, request),
    });
    return { decision };
  });
}
