import websocket from '@fastify/websocket';
import fastify, { type FastifyInstance } from 'fastify';
import { registerConsentApi, registerConsentPages, type Consent } from '../consent/index.js';
import { liveSessionsRoute, registerConsole } from '../console/index.js';
import type { InboundMail } from '../intake/inbound.js';
import { inboundRoutes } from '../intake/routes.js';
import { SchedulerError } from '../scheduler/scheduler.js';
import { TransitionError } from '../sessions/session-store.js';
import { TenancyError } from '../companies/index.js';
import { companyScope, requireToken, trackRoutes } from './auth.js';
import type { ApiDeps } from './deps.js';
import { healthRoutes } from './routes/health.js';
import { companyRoutes } from './routes/companies.js';
import { explainRoutes } from './routes/explain.js';
import { logRoutes } from './routes/logs.js';
import { providerStatusRoutes } from './routes/providers.js';
import { recordingRequestRoutes } from './routes/recording-requests.js';
import { recordingRoutes } from './routes/recordings.js';
import { sessionRoutes } from './routes/sessions.js';
import { tokenRoutes } from './routes/tokens.js';
import { webhookRoutes } from './routes/webhooks.js';
import { ValidationError } from './validation.js';
import { registerZoomWebhook, type ZoomCloud } from '../zoom/index.js';

/** The HTTP API (DESIGN.md §6). Everything under /v1 needs a bearer token. */
export async function buildApp(deps: ApiDeps & { inbound?: InboundMail; inboundMaxBytes?: number; consent?: Consent; zoom?: { cloud: ZoomCloud; windowSeconds: number } }): Promise<FastifyInstance> {
  const app = fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
  const log = deps.logger.child({ component: 'http' });
  // First, so every route registered below is listed (test/api/company-scope.test.ts tries each one).
  trackRoutes(app);
  // The admin token, or a company token held to its own company (src/api/auth.ts decides per route).
  const guard = requireToken({ adminToken: deps.adminToken, sessions: deps.sessions, ...(deps.tokens ? { tokens: deps.tokens } : {}) });
  await app.register(websocket);
  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof ValidationError) return reply.code(400).send({ error: 'invalid_request', message: error.message });
    if (error instanceof TenancyError) return reply.code(error.status).send({ error: error.code, message: error.message });
    if (error instanceof SchedulerError) return reply.code(error.status).send({ error: error.status === 404 ? 'not_found' : 'conflict', message: error.message });
    if (error instanceof TransitionError) return reply.code(409).send({ error: 'conflict', message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ error: 'invalid_request', message: (error as Error).message });
    // The path alone: the console's WebSocket and download URLs carry the token in their query.
    log.error({ err: error, method: request.method, url: request.url.split('?')[0] }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error; see the server log' });
  });
  healthRoutes(app, deps);
  // The consent page is public: participants have no token, so it stays outside the /v1 bearer hook.
  if (deps.consent) await registerConsentPages(app, deps.consent);
  // Zoom's webhooks carry Zoom's signature, not our token: a sibling of the /v1 scope, so its hook does not apply.
  if (deps.zoom) await registerZoomWebhook(app, { companies: deps.companies, ...deps.zoom });
  await app.register(async (v1) => {
    v1.addHook('onRequest', guard);
    sessionRoutes(v1, deps);
    recordingRoutes(v1, deps);
    logRoutes(v1, deps);
    liveSessionsRoute(v1, deps, companyScope);
    providerStatusRoutes(v1, deps);
    const { tenancy } = deps;
    if (tenancy) {
      companyRoutes(v1, { ...deps, tenancy });
      tokenRoutes(v1, { ...deps, tenancy });
      explainRoutes(v1, { ...deps, tenancy });
      recordingRequestRoutes(v1, { ...deps, tenancy });
      webhookRoutes(v1, { ...deps, tenancy });
    }
    if (deps.consent) registerConsentApi(v1, deps.consent);
    if (deps.inbound) await v1.register(inboundRoutes(deps.inbound, deps.inboundMaxBytes ?? 10 * 1024 * 1024));
  });
  // The ops console: data-free pages at /console/, its read-only JSON behind the same token check as /v1.
  await registerConsole(app, deps, guard, companyScope);
  return app;
}
