import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../api/deps.js';
import { principalOf } from '../api/auth.js';
import { parse } from '../api/validation.js';
import { topics } from '../bus.js';
import { tenantView } from '../logging/tenant-view.js';
import type { SessionChange } from '../sessions/session-store.js';
import { scopedCompany, type CompanyScope } from './api.js';

const liveQuery = z.object({ companyId: z.string().min(1).optional(), token: z.string().optional() });

/**
 * `WS /v1/sessions/live`: every session change (`{session, event}`, what the bus topic `sessions` carries) as
 * one JSON message, optionally for one company. Browsers cannot set headers on a WebSocket, so they give
 * their token as `?token=` (src/api/auth.ts accepts it). A company token only ever hears its own company.
 */
export function liveSessionsRoute(app: FastifyInstance, deps: Pick<ApiDeps, 'bus'>, scope: CompanyScope = () => undefined): void {
  app.get('/v1/sessions/live', { websocket: true }, (socket, request) => {
    const companyId = scopedCompany(scope, request, parse(liveQuery, request.query).companyId);
    // Timeline details (a failure's message) reach a company token without server paths, as in the session view.
    const admin = principalOf(request).kind === 'admin';
    const unsubscribe = deps.bus.subscribe(topics.sessions, (message) => {
      const change = message as SessionChange;
      if (companyId && change.session.companyId !== companyId) return;
      socket.send(JSON.stringify(admin ? change : tenantView(change)));
    });
    socket.on('close', unsubscribe);
  });
}
