import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Session, TimelineEvent } from '../../src/sessions/session.js';
import { api, startTestQuorum } from '../helpers/quorum.js';

const tomorrow = () => new Date(Date.now() + 24 * 3600_000);

describe('HTTP API', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startTestQuorum();
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('needs a bearer token for /v1 but not for health and metrics', async () => {
    expect((await api(quorum, 'GET', '/v1/sessions', undefined, 'wrong')).status).toBe(401);
    expect((await fetch(`${quorum.url}/v1/sessions`)).status).toBe(401);
    expect((await api(quorum, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${quorum.url}/metrics`)).text();
    expect(metrics).toContain('quorum_sessions{state="scheduled"}');
    expect(metrics).toContain('quorum_join_latency_seconds_bucket');
    expect(metrics).toContain('quorum_active_bots');
  });

  it('plans a recording request to join leadSeconds before the start', async () => {
    const startsAt = tomorrow();
    const { status, body } = await api<{ session: Session }>(quorum, 'POST', '/v1/companies/default/recording-requests', {
      meetingUrl: 'https://meet.google.com/abc-defg-hij?authuser=1',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
      title: 'Weekly sync',
    });
    expect(status).toBe(201);
    expect(body.session).toMatchObject({ state: 'scheduled', provider: 'meet', meetingUrl: 'https://meet.google.com/abc-defg-hij', title: 'Weekly sync' });
    expect(Date.parse(body.session.joinAt)).toBe(startsAt.getTime() - 60_000);

    const detail = await api<{ session: Session; timeline: TimelineEvent[] }>(quorum, 'GET', `/v1/sessions/${body.session.id}`);
    expect(detail.body.timeline.map((e) => e.code)).toEqual(['created']);
    const list = await api<{ sessions: Session[]; counts: Record<string, number> }>(quorum, 'GET', '/v1/sessions?state=scheduled&provider=meet');
    expect(list.body.sessions.map((s) => s.id)).toContain(body.session.id);
    expect(list.body.counts.scheduled).toBeGreaterThanOrEqual(1);
  });

  it('answers a repeated request for the same meeting with the session already planned, not a second bot', async () => {
    const startsAt = tomorrow();
    const request = { meetingUrl: 'https://meet.google.com/dup-abcd-efg', startsAt: startsAt.toISOString() };
    // Sent together, as a client that timed out and retried would: one of them plans, the other finds it.
    const [a, b] = await Promise.all([0, 1].map(() => api<{ session: Session; existing?: boolean }>(quorum, 'POST', '/v1/companies/default/recording-requests', request)));
    expect([a?.status, b?.status].sort()).toEqual([200, 201]);
    expect(a?.body.session.id).toBe(b?.body.session.id);
    expect([a, b].find((r) => r?.status === 200)?.body.existing).toBe(true);
    // Another start is another meeting.
    const later = await api<{ session: Session }>(quorum, 'POST', '/v1/companies/default/recording-requests', { ...request, startsAt: new Date(startsAt.getTime() + 86_400_000).toISOString() });
    expect(later.status).toBe(201);
    // Once the session has ended, asking again plans a new one.
    expect((await api(quorum, 'POST', `/v1/sessions/${a?.body.session.id ?? ''}/stop`, { reason: 'test' })).status).toBe(202);
    expect((await api(quorum, 'POST', '/v1/companies/default/recording-requests', request)).status).toBe(201);
  });

  it('explains bad requests with the field and unsupported links with a reason code', async () => {
    const bad = await api<{ message: string }>(quorum, 'POST', '/v1/companies/default/recording-requests', { meetingUrl: 'not a url', startsAt: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/meetingUrl/);
    expect(bad.body.message).toMatch(/startsAt/);
    const unsupported = await api<{ error: string }>(quorum, 'POST', '/v1/companies/default/recording-requests', { meetingUrl: 'https://whereby.com/acme' });
    expect(unsupported).toEqual({ status: 422, body: expect.objectContaining({ error: 'conference_link_unsupported' }) as unknown });
    // Zoom, but a personal link: no bot could use it, so it is refused now rather than failing at the meeting.
    const personal = await api<{ error: string; message: string }>(quorum, 'POST', '/v1/companies/default/recording-requests', { meetingUrl: 'https://zoom.us/my/jane.doe' });
    expect(personal.status).toBe(422);
    expect(personal.body).toMatchObject({ error: 'conference_link_unsupported', message: expect.stringContaining('carries no meeting number') as unknown });
    const over = await api<{ error: string }>(quorum, 'POST', '/v1/companies/default/recording-requests', {
      meetingUrl: 'https://meet.google.com/abc-defg-hij',
      startsAt: '2020-01-01T10:00:00Z',
      endsAt: '2020-01-01T11:00:00Z',
    });
    expect(over.body.error).toBe('meeting_over');
    expect((await api(quorum, 'POST', '/v1/companies/nope/recording-requests', { meetingUrl: 'https://meet.google.com/abc-defg-hij' })).status).toBe(404);
  });

  it('refuses a session list filter it cannot apply, naming the parameter, instead of answering as if nothing matched', async () => {
    const bogus = await api<{ error: string; message: string }>(quorum, 'GET', '/v1/sessions?endCode=bogus');
    expect(bogus.status).toBe(400);
    expect(bogus.body.message).toBe('endCode: "bogus" is not an end code (they are listed in docs/end-codes.md)');
    for (const cursor of ['garbage', 'garbage|x', '2026-01-01T00:00:00.000Z|', '|abc', '2026-13-01T00:00:00.000Z|abc']) {
      const refused = await api<{ message: string }>(quorum, 'GET', `/v1/sessions?cursor=${encodeURIComponent(cursor)}`);
      expect(refused.status, cursor).toBe(400);
      expect(refused.body.message, cursor).toBe(`cursor: ${JSON.stringify(cursor)} is not a cursor of this list: pass the nextCursor of the previous page unchanged`);
    }
    // A real end code filters (none ended so), and a cursor the list gave out pages on.
    expect(await api(quorum, 'GET', '/v1/sessions?endCode=meeting_ended')).toMatchObject({ status: 200, body: { sessions: [] } });
    const first = await api<{ sessions: Session[]; nextCursor: string }>(quorum, 'GET', '/v1/sessions?limit=1');
    const next = await api<{ sessions: Session[] }>(quorum, 'GET', `/v1/sessions?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(next.status).toBe(200);
    expect(next.body.sessions[0]?.id).not.toBe(first.body.sessions[0]?.id);
  });

  it('stops a planned join, refuses to stop it twice, and retries it as a new attempt', async () => {
    const { body } = await api<{ session: Session }>(quorum, 'POST', '/v1/companies/default/recording-requests', { meetingUrl: 'https://meet.google.com/xyz-abcd-efg', startsAt: tomorrow().toISOString() });
    const stopped = await api<{ session: Session }>(quorum, 'POST', `/v1/sessions/${body.session.id}/stop`, { reason: 'wrong meeting' });
    expect(stopped.status).toBe(202);
    expect(stopped.body.session).toMatchObject({ state: 'cancelled', endCode: 'stopped_by_operator' });
    expect((await api(quorum, 'POST', `/v1/sessions/${body.session.id}/stop`, {})).status).toBe(409);
    const retried = await api<{ session: Session }>(quorum, 'POST', `/v1/sessions/${body.session.id}/retry`, { reason: 'right meeting after all' });
    expect(retried.body.session).toMatchObject({ state: 'scheduled', attempt: 2 });
    expect((await api(quorum, 'POST', `/v1/sessions/${body.session.id}/stop`, { bogus: 1 })).status).toBe(400);
    expect((await api(quorum, 'GET', '/v1/sessions/does-not-exist')).status).toBe(404);
    expect(await api(quorum, 'POST', '/v1/sessions/does-not-exist/retry', {})).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await api(quorum, 'POST', '/v1/sessions/does-not-exist/stop', {})).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('serves a session log with level and cursor filters', async () => {
    const { body } = await api<{ session: Session }>(quorum, 'POST', '/v1/companies/default/recording-requests', { meetingUrl: 'https://meet.google.com/log-abcd-efg', startsAt: tomorrow().toISOString() });
    const log = quorum.logger.child({ sessionId: body.session.id, companyId: 'default', provider: 'meet', attempt: 1 });
    log.info('first line');
    log.warn({ password: 'hunter2', detail: 'x' }, 'second line');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = await api<{ lines: Array<{ id: number; msg: string; data: Record<string, unknown> }> }>(quorum, 'GET', `/v1/sessions/${body.session.id}/logs`);
    expect(all.body.lines.map((l) => l.msg)).toEqual(['first line', 'second line']);
    expect(all.body.lines[1]?.data.password).toBe('[redacted]');
    const warn = await api<{ lines: Array<{ msg: string }> }>(quorum, 'GET', `/v1/sessions/${body.session.id}/logs?level=warn`);
    expect(warn.body.lines.map((l) => l.msg)).toEqual(['second line']);
    const after = await api<{ lines: Array<{ msg: string }> }>(quorum, 'GET', `/v1/sessions/${body.session.id}/logs?after=${all.body.lines[0]?.id ?? 0}`);
    expect(after.body.lines.map((l) => l.msg)).toEqual(['second line']);
  });
});
