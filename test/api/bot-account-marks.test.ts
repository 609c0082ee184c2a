import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { SignedInBots } from '../../src/scheduler/account-lease.js';
import { AccountMarks } from '../../src/scheduler/account-marks.js';
import { StoreLeases } from '../../src/store/leases.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { newSessionInput } from '../helpers/store.js';
import { twoTenants } from './tenancy-fixtures.js';

const bad = { email: 'bad@alpha.example', password: 'wrong' };
const good = { email: 'good@alpha.example', password: 'right' };
const markPath = (email: string, companyId = 'alpha', provider = 'teams') => `/v1/companies/${companyId}/providers/${provider}/accounts/${encodeURIComponent(email)}/mark`;

interface AccountStatus {
  email: string;
  status: string;
}

/** `DELETE …/providers/:provider/accounts/:email/mark`: an operator clears a bot account's mark by hand. */
describe('clearing a bot account mark', () => {
  let quorum: Quorum;
  let alphaToken: string;
  let bravoToken: string;
  let marks: AccountMarks;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    ({ alphaToken, bravoToken } = await twoTenants(quorum));
    const teams = { enabled: true, authenticatedBot: { enabled: true, accounts: [bad] } };
    expect((await api(quorum, 'PATCH', '/v1/companies/alpha/providers/teams', teams)).status).toBe(200);
    marks = new AccountMarks(quorum.store.db, quorum.companies);
  });
  afterAll(async () => {
    await quorum?.close();
  });

  const accounts = async (token?: string) => {
    const status = await api<{ companies: Array<{ providers: { teams: { accounts: AccountStatus[] } } }> }>(quorum, 'GET', '/v1/providers/status?companyId=alpha', undefined, token);
    return status.body.companies[0]?.providers.teams.accounts.map((a) => `${a.email} ${a.status}`);
  };
  const mark = () => marks.mark('alpha', 'teams', bad, { reason: 'the identity provider asked for a second sign-in step', sessionId: 'earlier' });

  it("clears the mark with the company's own token (204), then answers 404: there is none left", async () => {
    await mark();
    expect(await accounts(alphaToken)).toEqual(['bad@alpha.example sign_in_failed']);
    expect((await api(quorum, 'DELETE', markPath(bad.email), undefined, alphaToken)).status).toBe(204);
    expect(await accounts(alphaToken)).toEqual(['bad@alpha.example ok']);
    const again = await api<{ error: string; message: string }>(quorum, 'DELETE', markPath(bad.email), undefined, alphaToken);
    expect(again).toEqual({ status: 404, body: { error: 'not_found', message: 'the teams bot account bad@alpha.example of company alpha has no mark' } });
  });

  it("refuses another company's token and leaves the mark; the admin token clears it, the email in any case", async () => {
    await mark();
    const refused = await api<{ error: string }>(quorum, 'DELETE', markPath(bad.email), undefined, bravoToken);
    expect(refused.status).toBe(403);
    expect(await accounts()).toEqual(['bad@alpha.example sign_in_failed']);
    expect((await api(quorum, 'DELETE', markPath('BAD@Alpha.example'))).status).toBe(204);
    expect(await accounts()).toEqual(['bad@alpha.example ok']);
  });

  it('answers 404 for an account that is not marked or not listed, another provider, an unknown company; 400 for an unknown provider', async () => {
    await mark();
    expect((await api(quorum, 'DELETE', markPath(good.email))).status).toBe(404);
    expect((await api(quorum, 'DELETE', markPath(bad.email, 'alpha', 'meet'))).status).toBe(404);
    expect((await api(quorum, 'DELETE', markPath(bad.email, 'nobody'))).status).toBe(404);
    expect((await api(quorum, 'DELETE', markPath(bad.email, 'alpha', 'skype'))).status).toBe(400);
    // None of these touched the mark.
    expect(await accounts()).toEqual(['bad@alpha.example sign_in_failed']);
    expect((await api(quorum, 'DELETE', markPath(bad.email))).status).toBe(204);
  });

  it('lets the lease use the account again: a guest while marked, signed in once cleared', async () => {
    const bots = new SignedInBots({ companies: quorum.companies, sessions: quorum.sessions, dataDir: mkdtempSync(join(tmpdir(), 'quorum-marks-')), leases: new StoreLeases(quorum.store.db, { pollMs: 50 }), marks });
    const signal = new AbortController().signal;
    const log = pino({ level: 'silent' });
    // An hour ahead: the running scheduler leaves it alone; only the lease is asked about it.
    const session = await quorum.sessions.create(newSessionInput({ companyId: 'alpha', provider: 'teams', meetingUrl: 'https://teams.microsoft.com/meet/1', startsAt: new Date(Date.now() + 3_600_000) }));
    await mark();
    const guest = await bots.forAttempt(session, signal, log);
    expect(guest.join).toEqual({});
    expect(guest.busy?.cannotSignIn).toBe(1);

    expect((await api(quorum, 'DELETE', markPath(bad.email), undefined, alphaToken)).status).toBe(204);
    const signedIn = await bots.forAttempt(session, signal, log);
    expect(signedIn.join).toMatchObject({ authenticated: true, account: { email: bad.email } });
    await signedIn.release();
  });
});
