import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Settings that aim Quorum's own outgoing requests (Zoom's API and OAuth base URLs, meant for a proxy or the
 * simulator): only the operator's admin token may set or change them. A company token that could would point the
 * server's requests, and the files it stores from their answers, at internal addresses (SSRF).
 */
const adminOnlyFields = [['zoom', 'apiBaseUrl'], ['zoom', 'oauthBaseUrl']] as const;

class AdminOnlyFieldError extends Error {}

function fieldAt(document: unknown, provider: string, field: string): unknown {
  const providers = (document as { providers?: Record<string, unknown> } | null | undefined)?.providers;
  const entry = providers?.[provider];
  return entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>)[field] : undefined;
}

/** Refuses a company token's change of an admin-only field; the admin token may change anything. */
function checkAdminOnly(request: FastifyRequest, before: unknown, after: unknown): void {
  if (principalOf(request).kind === 'admin') return;
  for (const [provider, field] of adminOnlyFields) {
    if (JSON.stringify(fieldAt(before, provider, field)) === JSON.stringify(fieldAt(after, provider, field))) continue;
    throw new AdminOnlyFieldError(`providers.${provider}.${field} can be set only with the admin token: it decides where Quorum itself sends requests`);
  }
}

/** A settings change that also checks the admin-only fields, comparing the document before and after it. */
function guarded(request: FastifyRequest, change: (document: SettingsDocument) => void): (document: SettingsDocument) => void {
  return (document) => {
    const before = structuredClone(document.providers);
    change(document);
    checkAdminOnly(request, { providers: before }, document);
  };
}

/** Answers a refused admin-only change with 403 and the reason; other errors go to the API's error handler. */
async function answering(reply: FastifyReply, run: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AdminOnlyFieldError) return reply.code(403).send({ error: 'forbidden', message: error.message });
    throw error;
  }
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

  app.put('/v1/companies/:companyId', async (request, reply) =>
    answering(reply, async () => {
      const { companyId } = parse(companyParams, request.params);
      const body = parse(objectBody, request.body);
      checkAdminOnly(request, (await deps.companies.get(companyId))?.settings, body);
      const { settings: saved, created } = await settings.replace(companyId, body);
      return show(reply, saved, created ? 201 : 200);
    }),
  );

  // A shallow merge of top-level fields (name, assistantAddress, botName, emailDomains, ...).
  app.patch('/v1/companies/:companyId', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const body = parse(objectBody, request.body);
    return answering(reply, async () => show(reply, await settings.update(companyId, guarded(request, (document) => void Object.assign(document, restoreSecrets(body, document))))));
  });

  app.put('/v1/companies/:companyId/automatic-recording', async (request, reply) => {
    const { companyId } = parse(companyParams, request.params);
    const body = parse(objectBody, request.body);
    return show(reply, await settings.update(companyId, (document) => void (document.automaticRecording = body)));
  });

  providerRoutes(app, deps.tenancy, show);
  // The collections (profiles, users) and automatic recording hold no admin-only field.
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
        const change = guarded(request, (document) => {
          const providers = entriesOf(document, 'providers');
          const current = providers[provider];
          const next = restoreSecrets(body, current) as Record<string, unknown>;
          providers[provider] = method === 'PATCH' && current !== null && typeof current === 'object' ? { ...current, ...next } : next;
        });
        return answering(reply, async () => show(reply, await tenancy.settings.update(companyId, change)));
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
