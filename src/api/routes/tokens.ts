import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TenancyError, type TenancyApi } from '../../companies/index.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const companyParams = z.object({ companyId: z.string().min(1) });
const tokenParams = companyParams.extend({ tokenId: z.string().min(1) });
const createBody = z.object({ name: z.string().min(1).max(200) }).strict();

/** Per-company API tokens, managed with the admin token only (src/api/auth.ts lists these routes as admin). */
export function tokenRoutes(app: FastifyInstance, deps: ApiDeps & { tenancy: TenancyApi }): void {
  const { tokens } = deps.tenancy;
  const mustCompany = async (companyId: string) => {
    if (!(await deps.companies.get(companyId))) throw new TenancyError(404, 'not_found', `company ${companyId} not found`);
  };

  app.post('/v1/companies/:companyId/tokens', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const { name } = parse(createBody, request.body);
    await mustCompany(companyId);
    const { token, record } = await tokens.create(companyId, name);
    // The only time the token is shown: the store keeps its hash.
    return reply.code(201).send({ token, ...record });
  });

  app.get('/v1/companies/:companyId/tokens', async (request) => {
    const { companyId } = parse(companyParams, request.params);
    await mustCompany(companyId);
    return { tokens: await tokens.list(companyId) };
  });

  app.delete('/v1/companies/:companyId/tokens/:tokenId', async (request, reply) => {
    const { companyId, tokenId } = parse(tokenParams, request.params);
    if (!(await tokens.revoke(companyId, tokenId))) throw new TenancyError(404, 'not_found', `no active token ${tokenId} in company ${companyId}`);
    return reply.code(204).send();
  });
}
