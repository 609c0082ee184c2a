import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantView } from '../logging/tenant-view.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Bearer token from the Authorization header, or `?token=` for browsers opening a WebSocket. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

export function requireAdmin(adminToken: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!tokenMatches(presentedToken(request), adminToken)) {
      await reply.code(401).send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
  };
}

/** Who is calling: the operator (admin token) or one company (a per-company token). */
export type Principal = { kind: 'admin' } | { kind: 'company'; companyId: string; tokenId: string };

/**
 * How a route is scoped for a company token. `admin`: refused. `company-param`: its `:companyId` must be the
 * token's company. `session-param`: its `:id` must be a session of the token's company (else 404, so other
 * companies' ids are not even confirmed). `company-query`: `?companyId` is forced to the token's company.
 * `own`: the handler scopes by `principalOf` itself.
 */
export type Access = 'admin' | 'company-param' | 'session-param' | 'company-query' | 'own';

/** Routes whose scope cannot be read off their path. Everything unlisted falls back to `accessOf`'s rules. */
const explicitAccess: Record<string, Access> = {
  'GET /v1/companies': 'own',
  'POST /v1/companies': 'admin',
  'GET /v1/sessions': 'company-query',
  'GET /v1/sessions/live': 'company-query',
  'GET /v1/providers/status': 'company-query',
  'POST /v1/explain': 'own',
  'POST /v1/inbound/email': 'admin',
  'GET /v1/companies/:companyId/tokens': 'admin',
  'POST /v1/companies/:companyId/tokens': 'admin',
  'DELETE /v1/companies/:companyId/tokens/:tokenId': 'admin',
  'GET /console/api/meta': 'own',
  'GET /console/api/companies': 'company-query',
  'GET /console/api/providers': 'company-query',
  'GET /console/api/stats': 'company-query',
};

/** Deny by default: a new route a company token may use must name its company in the path or be listed above. */
export function accessOf(method: string, url: string): Access {
  const listed = explicitAccess[`${method === 'HEAD' ? 'GET' : method} ${url}`];
  if (listed) return listed;
  if (url.includes('/:companyId')) return 'company-param';
  if (url.startsWith('/v1/sessions/:id')) return 'session-param';
  return 'admin';
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The caller of a request that passed `requireToken`. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error(`no principal for ${request.method} ${request.url.split('?')[0]}: the route is outside the token check`);
  return principal;
}

/** What the caller reads of stored lines, timelines and files: the admin token as stored, a company token without stacks or server paths. */
export function viewFor(request: FastifyRequest): <T>(value: T) => T {
  return principalOf(request).kind === 'admin' ? (value) => value : tenantView;
}

/** The company a company token is limited to; undefined for the admin token (the console's CompanyScope). */
export function companyScope(request: FastifyRequest): string | undefined {
  const principal = principals.get(request);
  return principal?.kind === 'company' ? principal.companyId : undefined;
}

export interface TokenAuthOptions {
  adminToken: string;
  tokens?: { resolve(token: string): Promise<{ id: string; companyId: string } | undefined> };
  sessions: { get(id: string): Promise<{ companyId: string } | undefined> };
}

/** Accepts the admin token or a per-company token, and holds a company token to its own company's data. */
export function requireToken(options: TokenAuthOptions) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const presented = presentedToken(request);
    if (tokenMatches(presented, options.adminToken)) {
      principals.set(request, { kind: 'admin' });
      return;
    }
    const token = presented ? await options.tokens?.resolve(presented) : undefined;
    if (!token) {
      await reply.code(401).send({ error: 'unauthorized', message: 'a valid bearer token is required' });
      return;
    }
    principals.set(request, { kind: 'company', companyId: token.companyId, tokenId: token.id });
    const refusal = await companyRefusal(request, token.companyId, options);
    if (refusal) await reply.code(refusal.status).send({ error: refusal.status === 404 ? 'not_found' : 'forbidden', message: refusal.message });
  };
}

async function companyRefusal(request: FastifyRequest, own: string, options: TokenAuthOptions): Promise<{ status: 403 | 404; message: string } | undefined> {
  const access = accessOf(request.method, request.routeOptions.url ?? '');
  const params = (request.params ?? {}) as Record<string, unknown>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  switch (access) {
    case 'admin':
      return { status: 403, message: 'this endpoint needs the admin token' };
    case 'company-param':
      return params.companyId === own ? undefined : { status: 403, message: `a token of company ${own} cannot act for another company` };
    case 'session-param': {
      const id = typeof params.id === 'string' ? params.id : '';
      const session = await options.sessions.get(id);
      return session?.companyId === own ? undefined : { status: 404, message: `session ${id} not found` };
    }
    case 'company-query':
      if (query.companyId !== undefined && query.companyId !== own) return { status: 403, message: `a token of company ${own} cannot read another company` };
      query.companyId = own;
      return undefined;
    case 'own':
      return undefined;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Records every route registered after this call, so tests can try each one (a new route cannot escape). */
export function trackRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url });
  });
}

export function routesOf(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}
