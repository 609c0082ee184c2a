import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { TenancyApi } from '../../companies/index.js';
import { restoreSecrets, TenancyError, type SettingsDocument } from '../../companies/settings-service.js';
import type { CompanySettings } from '../../eligibility/settings.js';
import { providerIds } from '../../eligibility/settings.js';
import { principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parse } from '../validation.js';

const companyParams = z.object({ companyId: z.string().min(1) });
const providerParams = companyParams.extend({ provider: z.enum(providerIds) });
const keyParams = companyParams.extend({ key: z.string().min(1).max(320) });
const objectBody = z.record(z.string(), z.unknown());

/** The settings maps edited one entry at a time: `/v1/companies/:id/<path>/:key`. */
const collections = {
  'permission-profiles': 'permissionProfiles',
  'consent-profiles': 'consentProfiles',
  users: 'users',
} as const;

function entriesOf(document: SettingsDocument, field: string): Record<string, unknown> {
  const current = document[field];
  const entries = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
  document[field] = entries;
  return entries;
}

/** Tenancy admin API (DESIGN.md §6): companies and their settings, each write validated by the eligibility schema. */
export function companyRoutes(app: FastifyInstance, deps: ApiDeps & { tenancy: TenancyApi }): void {
  const { settings } = deps.tenancy;
  const show = (reply: FastifyReply, company: CompanySettings, status = 200) => reply.code(status).send(settings.view(company));

  app.get('/v1/companies', async (request) => {
    const principal = principalOf(request);
    const all = await deps.companies.list();
    const visible = principal.kind === 'admin' ? all : all.filter((company) => company.id === principal.companyId);
    return { companies: visible.map(({ id, name, assistantAddress }) => ({ id, name, assistantAddress })) };
  });

  app.post('/v1/companies', async (request, reply) => show(reply, await settings.create(parse(objectBody, request.body)), 201));

  app.get('/v1/companies/:companyId', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const company = await settings.read(companyId);
    if (!company) throw new TenancyError(404, 'not_found', `company ${companyId} not found`);
    return show(reply, company);
  });

  app.put('/v1/companies/:companyId', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const { settings: saved, created } = await settings.replace(companyId, parse(objectBody, request.body));
    return show(reply, saved, created ? 201 : 200);
  });

  // A shallow merge of top-level fields (name, assistantAddress, botName, emailDomains, ...).
  app.patch('/v1/companies/:companyId', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const body = parse(objectBody, request.body);
    return show(reply, await settings.update(companyId, (document) => Object.assign(document, restoreSecrets(body, document))));
  });

  app.put('/v1/companies/:companyId/automatic-recording', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const body = parse(objectBody, request.body);
    return show(reply, await settings.update(companyId, (document) => void (document.automaticRecording = body)));
  });

  providerRoutes(app, deps.tenancy, show);
  for (const [path, field] of Object.entries(collections)) collectionRoutes(app, deps.tenancy, path, field, show);
}

type Show = (reply: FastifyReply, company: CompanySettings, status?: number) => FastifyReply;

/** One provider's settings: PUT replaces them, PATCH merges (e.g. `{"enabled": false}` flips the toggle). */
function providerRoutes(app: FastifyInstance, tenancy: TenancyApi, show: Show): void {
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/v1/companies/:companyId/providers/:provider',
      handler: async (request, reply) => {
        const { companyId, provider } = parse(providerParams, request.params);
        const body = parse(objectBody, request.body);
        const saved = await tenancy.settings.update(companyId, (document) => {
          const providers = entriesOf(document, 'providers');
          const current = providers[provider];
          const next = restoreSecrets(body, current) as Record<string, unknown>;
          providers[provider] = method === 'PATCH' && current !== null && typeof current === 'object' ? { ...current, ...next } : next;
        });
        return show(reply, saved);
      },
    });
  }
}

function collectionRoutes(app: FastifyInstance, tenancy: TenancyApi, path: string, field: string, show: Show): void {
  const keyOf = (key: string) => (field === 'users' ? key.toLowerCase() : key);
  app.put(`/v1/companies/:companyId/${path}/:key`, async (request, reply) => {
    const { companyId, key } = parse(keyParams, request.params);
    const body = parse(objectBody, request.body);
    // A user's key is their e-mail; the body may leave it out.
    const entry = field === 'users' ? { email: key, ...body } : body;
    return show(reply, await tenancy.settings.update(companyId, (document) => void (entriesOf(document, field)[keyOf(key)] = entry)));
  });
  app.delete(`/v1/companies/:companyId/${path}/:key`, async (request, reply) => {
    const { companyId, key } = parse(keyParams, request.params);
    const saved = await tenancy.settings.update(companyId, (document) => {
      const entries = entriesOf(document, field);
      if (!Object.hasOwn(entries, keyOf(key))) throw new TenancyError(404, 'not_found', `${field}["${key}"] not found in company ${companyId}`);
      delete entries[keyOf(key)];
    });
    return show(reply, saved);
  });
}
