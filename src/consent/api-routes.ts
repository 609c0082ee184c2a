import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parse } from '../api/validation.js';
import type { CompanyStore } from '../companies/company-store.js';
import { ConsentLinkRejected, createConsentLink, createLinkSchema } from './links.js';
import type { ConsentStore, StoredConsentLink } from './store.js';

export interface ConsentApiDeps {
  store: ConsentStore;
  companies: CompanyStore;
  /** `QUORUM_PUBLIC_URL`; unset: the address the API was called on. */
  publicUrl?: string;
}

const companyParams = z.object({ companyId: z.string().min(1) });
const linkParams = companyParams.extend({ id: z.string().min(1) });
const listQuery = z.object({ user: z.email().optional(), meetingId: z.string().min(1).optional(), active: z.enum(['true', 'false']).optional() });

function publicBase(deps: ConsentApiDeps, request: FastifyRequest): string {
  return (deps.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

function view(link: StoredConsentLink, counts?: { record: number; no_record: number }) {
  const { id, companyId, linkType, userEmail, meetingId, provider, conferenceUrl, title, createdAt, revokedAt } = link;
  return { id, companyId, type: linkType, user: userEmail, meetingId, provider, conferenceUrl, title, createdAt, revokedAt, choices: counts ?? { record: 0, no_record: 0 } };
}

/** Consent links of a company: create (the token is shown once), list with choice counts, revoke. */
export function consentApiRoutes(app: FastifyInstance, deps: ConsentApiDeps): void {
  const mustCompany = async (companyId: string) => {
    const company = await deps.companies.get(companyId);
    if (!company) throw new ConsentLinkRejected(404, 'not_found', `company ${companyId} not found`);
    return company;
  };

  app.post('/v1/companies/:companyId/consent-links', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const body = parse(createLinkSchema, request.body);
    try {
      const { link, token } = await createConsentLink(deps.store, await mustCompany(companyId), body);
      const path = `/c/${token}`;
      return await reply.code(201).send({ link: view(link), token, path, url: `${publicBase(deps, request)}${path}` });
    } catch (error) {
      if (error instanceof ConsentLinkRejected) return reply.code(error.status).send({ error: error.code, message: error.message });
      throw error;
    }
  });

  app.get('/v1/companies/:companyId/consent-links', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const query = parse(listQuery, request.query);
    if (!(await deps.companies.get(companyId))) return reply.code(404).send({ error: 'not_found', message: `company ${companyId} not found` });
    const links = await deps.store.list({
      companyId,
      ...(query.user ? { userEmail: query.user.toLowerCase() } : {}),
      ...(query.meetingId ? { meetingId: query.meetingId } : {}),
      activeOnly: query.active !== 'false',
    });
    const counts = await deps.store.choiceCounts(links.map((link) => link.id));
    return { links: links.map((link) => view(link, counts.get(link.id))) };
  });

  app.delete('/v1/companies/:companyId/consent-links/:id', async (request, reply) => {
    const { companyId, id } = parse(linkParams, request.params);
    const link = (await deps.store.list({ companyId })).find((candidate) => candidate.id === id);
    if (!link) return reply.code(404).send({ error: 'not_found', message: `consent link ${id} not found` });
    await deps.store.revoke(id);
    return reply.code(204).send();
  });
}
