import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TenancyError, type TenancyApi } from '../../companies/index.js';
import { endpointStatus } from '../../webhooks/index.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const companyParams = z.object({ companyId: z.string().min(1) });

/**
 * `GET /v1/companies/:companyId/webhooks`: the company's webhook endpoints and how their deliveries stand (cursor,
 * last success, last failure, next try), never their secrets. Scoped like every `:companyId` route (src/api/auth.ts).
 */
export function webhookRoutes(app: FastifyInstance, deps: ApiDeps & { tenancy: TenancyApi }): void {
  app.get('/v1/companies/:companyId/webhooks', async (request) => {
    const { companyId } = parse(companyParams, request.params);
    const company = await deps.tenancy.settings.read(companyId);
    if (!company) throw new TenancyError(404, 'not_found', `company ${companyId} not found`);
    return { companyId, endpoints: await endpointStatus(deps.store.db, companyId, company.webhooks ?? []) };
  });
}
