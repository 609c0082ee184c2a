import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAttempt, formatDecisionSummary } from '../../src/cli/show.js';
import type { Decision } from '../../src/eligibility/check.js';
import type { Quorum } from '../../src/main.js';
import type { Attempt, Session } from '../../src/sessions/session.js';
import { cliOutcome } from '../helpers/cli.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { companyToken, createCompany } from '../api/tenancy-fixtures.js';

const cli = cliOutcome;

/**
 * `quorum join --requester` with a company token, and `quorum show` of what it planned: the Decision, the attempts
 * and a timeline whose times carry their date and say they are UTC.
 */
describe('quorum join --requester and quorum show', () => {
  let quorum: Quorum;
  let admin: Record<string, string>;
  let company: Record<string, string>;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    await createCompany(quorum, 'acme', 'Acme');
    admin = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken };
    company = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: (await companyToken(quorum, 'acme')).token };
  });
  afterAll(async () => {
    await quorum?.close();
  });

  it('join with a company token needs --requester: without it the error names the option; with it the join is planned for that user', async () => {
    const join = ['join', 'https://meet.google.com/req-defg-hij', '--company', 'acme', '--at', '2031-02-03T10:00:00Z'];
    const [missing, missingJson, help] = await Promise.all([cli(join, company), cli([...join, '--json'], company), cli(['join', '--help'], {})]);
    expect(missing, JSON.stringify(missing)).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe('quorum: requesterEmail: a company token must name who asks for the recording; pass `--requester <email>` naming who asks for the recording\n');
    expect(JSON.parse(missingJson.stdout)).toMatchObject({ error: { code: 'invalid_request', status: 400, message: expect.stringContaining('--requester <email>') } });
    expect(help.stdout).toContain('--requester <email>');

    const planned = await cli([...join, '--requester', 'boss@acme.example', '--json'], company);
    expect(planned, JSON.stringify(planned)).toMatchObject({ code: 0, stderr: '' });
    const session = JSON.parse(planned.stdout) as Session;
    expect(session).toMatchObject({ companyId: 'acme', requestedBy: 'boss@acme.example', state: 'scheduled', existing: false });

    // A user who may not ask: the hint to `quorum explain` carries the same requester, so it shows the same Decision.
    const refused = await cli(['join', 'https://meet.google.com/ref-defg-hij', '--company', 'acme', '--requester', 'viewer@acme.example'], company);
    expect(refused.stderr).toContain('`quorum explain https://meet.google.com/ref-defg-hij --company acme --requester viewer@acme.example` shows every rule');
  });

  it('show prints the Decision, every attempt and the timeline with dates in UTC; --json is the API answer', async () => {
    const planned = await cli(['join', 'https://meet.google.com/shw-defg-hij', '--company', 'acme', '--requester', 'boss@acme.example', '--at', '2031-02-03T10:00:00Z', '--json'], admin);
    const { id } = JSON.parse(planned.stdout) as Session;
    // A first attempt that a worker ran and that failed in the meeting, then an operator's retry still planned.
    expect(await quorum.sessions.claim(id, 1, 'worker-7', new Date(Date.now() + 60_000))).toBe(true);
    for (const to of ['dispatching', 'joining', 'recording'] as const) await quorum.sessions.transition(id, to, { code: to });
    await quorum.sessions.transition(id, 'failed', { code: 'bot_crashed', endCode: 'browser_crashed' });
    await quorum.sessions.transition(id, 'scheduled', { code: 'retry_requested', attemptReason: 'manual' });

    const [shown, json] = await Promise.all([cli(['show', id], admin), cli(['show', id, '--json'], admin)]);
    expect(shown, JSON.stringify(shown)).toMatchObject({ code: 0, stderr: '' });
    const text = shown.stdout;
    expect(text).toContain('meeting 2031-02-03 10:00:00 to 2031-02-03 11:00:00 UTC; the bot joins at 2031-02-03 09:59:00 UTC; requested by boss@acme.example');
    expect(text).toMatch(/^decision: eligible \(manual request, plan bot, provider meet\); 0 rule\(s\) failed, \d+ skipped$/m);
    expect(text).toMatch(/^ {2}– excluded_keyword \(not applicable\): /m);
    expect(text).toContain('attempts (UTC): 2');
    expect(text).toMatch(/^ {2}#1 {2}first {5}started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}admitted \d\d:\d\d:\d\d {2}ended \d\d:\d\d:\d\d {2}browser_crashed {2}worker worker-7$/m);
    expect(text).toMatch(/^ {2}#2 {2}manual {4}created \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}admitted - {2}ended - {2}not ended {2}worker -$/m);
    expect(text).toMatch(/^timeline \(UTC\): 6 event\(s\)$/m);
    expect(text).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}#1 {2}recording → failed +bot_crashed \{"endCode":"browser_crashed"\}$/m);
    expect(text).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}#2 {2}failed → scheduled +retry_requested$/m);
    expect(text).toContain('artifacts: 0');
    expect(JSON.parse(json.stdout)).toEqual((await api(quorum, 'GET', `/v1/sessions/${id}`)).body);
  });

  it('the Decision summary lists the failed rules; the attempt times of another day keep their date', async () => {
    const body = { company: 'acme', meetingUrl: 'https://meet.google.com/abc-defg-hij', requesterEmail: 'viewer@acme.example' };
    const { decision } = (await api<{ decision: Decision }>(quorum, 'POST', '/v1/explain', body)).body;
    const summary = formatDecisionSummary(decision);
    expect(summary[0]).toMatch(/^decision: not eligible \(manual request, plan none, provider meet\); 1 rule\(s\) failed, \d+ skipped$/);
    expect(summary[1]).toMatch(/^ {2}✗ requester_lacks_manual_permission: /);
    expect(formatDecisionSummary(null)).toEqual(['decision: none stored with this session']);

    const overnight: Attempt = { number: 3, reason: 'retry', createdAt: '2031-02-03T23:58:00.000Z', startedAt: '2031-02-03T23:59:00.000Z', admittedAt: '2031-02-03T23:59:30.000Z', endedAt: '2031-02-04T00:40:00.000Z', endCode: 'meeting_ended', workerId: null };
    expect(formatAttempt(overnight)).toBe('#3  retry     started 2031-02-03 23:59:00  admitted 23:59:30  ended 2031-02-04 00:40:00  meeting_ended  worker -');
  });
});
