import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessOf, routesOf } from '../../src/api/auth.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { companyToken, createCompany, inAnHour } from './tenancy-fixtures.js';

/** Routes with no token at all: health, metrics, the consent page, the console's data-free pages. */
const publicRoute = /^\/(healthz|metrics|c\/|console\/?$|console\/static\/)/;

/**
 * Every route the app serves, tried with company A's token against company B's things. The list comes from
 * the running app (src/api/auth.ts records each route as it is registered), so a route added later is tried
 * too, and a route that is neither public nor scoped fails here.
 */
describe('a company token only reaches its own company', () => {
  let quorum: Quorum;
  let tokenA: string;
  let tokenB: { token: string; id: string };
  let sessionA: Session;
  let sessionB: Session;
  let linkB: string;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    await createCompany(quorum, 'alpha', 'Alpha');
    await createCompany(quorum, 'bravo', 'Bravo');
    tokenA = (await companyToken(quorum, 'alpha')).token;
    tokenB = await companyToken(quorum, 'bravo');
    const request = (company: string) => ({ meetingUrl: `https://meet.google.com/${company.slice(0, 3)}-abcd-efg`, requesterEmail: `boss@${company}.example`, ...inAnHour() });
    sessionA = (await api<{ session: Session }>(quorum, 'POST', '/v1/companies/alpha/recording-requests', request('alpha'), tokenA)).body.session;
    sessionB = (await api<{ session: Session }>(quorum, 'POST', '/v1/companies/bravo/recording-requests', request('bravo'), tokenB.token)).body.session;
    const link = await api<{ link: { id: string } }>(quorum, 'POST', '/v1/companies/bravo/consent-links', { type: 'dynamic', meetingId: 'm-1', conferenceUrl: 'https://meet.google.com/bra-vooo-bbb' });
    linkB = link.body.link.id;
  });
  afterAll(async () => {
    await quorum.close();
  });

  function paramValue(name: string, url: string): string {
    if (name === 'companyId') return 'bravo';
    if (name === 'id') return url.includes('consent-links') ? linkB : sessionB.id;
    if (name === 'tokenId') return tokenB.id;
    if (name === 'key') return 'boss@bravo.example';
    if (name === 'provider') return 'meet';
    return 'bravo';
  }

  it('answers 403 or 404, or shows nothing of company B, on every route', async () => {
    const routes = routesOf(quorum.app).filter((route) => !publicRoute.test(route.url));
    expect(routes.length).toBeGreaterThan(25);
    const markers = ['bravo', sessionB.id, linkB, tokenB.id];
    const leaks: string[] = [];
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, (_all, name: string) => encodeURIComponent(paramValue(name, route.url)));
      const request = { company: 'bravo', meetingUrl: 'https://meet.google.com/bra-vooo-bbb', requesterEmail: 'boss@bravo.example' };
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : route.url === '/v1/explain' ? request : { ...request, name: 'x', enabled: false };
      const response = await api(quorum, route.method, `${path}?companyId=bravo`, body, tokenA);
      const text = JSON.stringify(response.body);
      const refused = response.status === 403 || response.status === 404;
      if (!refused && (response.status >= 300 || markers.some((marker) => text.includes(marker)))) leaks.push(`${route.method} ${route.url} → ${response.status} ${text.slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
    // B's things are untouched: its session is still planned, its token and consent link still work.
    expect((await quorum.sessions.get(sessionB.id))?.state).toBe('scheduled');
    expect((await api(quorum, 'GET', '/v1/companies/bravo', undefined, tokenB.token)).status).toBe(200);
    expect((await api<{ links: unknown[] }>(quorum, 'GET', '/v1/companies/bravo/consent-links', undefined, tokenB.token)).body.links).toHaveLength(1);
  });

  it('a route nobody classified is refused to company tokens (deny by default)', () => {
    expect(accessOf('POST', '/v1/something-new')).toBe('admin');
    expect(accessOf('GET', '/v1/companies/:companyId/anything')).toBe('company-param');
    expect(accessOf('GET', '/v1/sessions/:id/anything')).toBe('session-param');
  });

  it('lets a company token use its own company, and lists only its own sessions', async () => {
    const list = await api<{ sessions: Session[] }>(quorum, 'GET', '/v1/sessions', undefined, tokenA);
    expect(list.body.sessions.map((session) => session.id)).toEqual([sessionA.id]);
    expect((await api(quorum, 'GET', `/v1/sessions/${sessionA.id}`, undefined, tokenA)).status).toBe(200);
    expect((await api(quorum, 'POST', `/v1/sessions/${sessionA.id}/stop`, {}, tokenA)).status).toBe(202);
    const companies = await api<{ companies: Array<{ id: string }> }>(quorum, 'GET', '/v1/companies', undefined, tokenA);
    expect(companies.body.companies.map((company) => company.id)).toEqual(['alpha']);
    const status = await api<{ companies: Array<{ companyId: string }> }>(quorum, 'GET', '/v1/providers/status', undefined, tokenA);
    expect(status.body.companies.map((company) => company.companyId)).toEqual(['alpha']);
    // Token management stays with the admin token.
    expect((await api(quorum, 'POST', '/v1/companies/alpha/tokens', { name: 'more' }, tokenA)).status).toBe(403);
    expect((await api(quorum, 'POST', '/v1/companies', { id: 'new' }, tokenA)).status).toBe(403);
  });

  it('refuses unknown and revoked tokens', async () => {
    expect((await api(quorum, 'GET', '/v1/sessions', undefined, 'qco_not-a-token')).status).toBe(401);
    const spare = await companyToken(quorum, 'alpha');
    expect((await api(quorum, 'GET', '/v1/sessions', undefined, spare.token)).status).toBe(200);
    expect((await api(quorum, 'DELETE', `/v1/companies/alpha/tokens/${spare.id}`)).status).toBe(204);
    expect((await api(quorum, 'GET', '/v1/sessions', undefined, spare.token)).status).toBe(401);
    const listed = await api<{ tokens: Array<{ id: string; revokedAt: string | null; token?: string }> }>(quorum, 'GET', '/v1/companies/alpha/tokens');
    expect(listed.body.tokens.find((token) => token.id === spare.id)?.revokedAt).toBeTruthy();
    expect(JSON.stringify(listed.body)).not.toContain(spare.token);
  });
});
