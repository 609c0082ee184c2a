import { describe, expect, it } from 'vitest';
import { askToJoin, withSimulator } from './helpers.js';
import type { SimMeetingReport } from './index.js';

const fixture = withSimulator();

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${fixture.sim().controlUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.status, json: await res.json() };
}

describe('simulator control API over HTTP', () => {
  it('listens on loopback', () => {
    expect(fixture.sim().controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates a meeting with a real-looking join URL, reports it and takes host actions', async () => {
    const created = await call('POST', '/sim/v1/meetings', {
      provider: 'meet',
      script: { lobby: { outcome: 'hold', afterMs: 0 }, participants: [{ name: 'Ada', speaks: false }] },
    });
    expect(created.status).toBe(201);
    const { id, joinUrl } = created.json as { id: string; joinUrl: string };
    expect(joinUrl).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);

    const before = await call('GET', `/sim/v1/meetings/${id}`);
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ id, provider: 'meet', joinUrl, state: 'waiting', events: [] });

    const tooEarly = await call('POST', `/sim/v1/meetings/${id}/actions`, { type: 'admit' });
    expect(tooEarly.status).toBe(409);

    const context = await fixture.browser().newContext();
    const page = await context.newPage();
    await askToJoin(page, joinUrl, 'HTTP Bot');
    await page.getByText('Asking to be let in...').waitFor();
    const admitted = await call('POST', `/sim/v1/meetings/${id}/actions`, { type: 'admit' });
    expect(admitted.status).toBe(200);
    await page.locator('button[aria-label="People - 2 joined"]').waitFor();

    expect((await call('POST', `/sim/v1/meetings/${id}/actions`, { type: 'participant_leave', name: 'Ada' })).status).toBe(200);
    await page.locator('button[aria-label="People - 1 joined"]').waitFor();
    expect((await call('POST', `/sim/v1/meetings/${id}/actions`, { type: 'remove_bot' })).status).toBe(200);
    await page.getByText("You've been removed from the meeting").waitFor();
    expect((await call('POST', `/sim/v1/meetings/${id}/actions`, { type: 'end' })).status).toBe(200);

    const report = (await call('GET', `/sim/v1/meetings/${id}`)).json as SimMeetingReport;
    expect(report.state).toBe('ended');
    expect(report.events.map((e) => e.type)).toEqual([
      'bot_opened', 'join_requested', 'admitted', 'participant_joined', 'participant_left', 'bot_removed', 'ended',
    ]);
    expect(report.bot).toMatchObject({ name: 'HTTP Bot' });
    expect(Date.parse(report.bot?.admittedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(report.bot?.requestedAt ?? ''));
    await context.close();
  });

  it('rejects a bad script with 400 and a message naming the field', async () => {
    const res = await call('POST', '/sim/v1/meetings', { provider: 'meet', script: { lobby: { outcome: 'maybe', afterMs: 10 } } });
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toMatch(/lobby\.outcome/);
    const unknownField = await call('POST', '/sim/v1/meetings', { provider: 'meet', script: { endAfter: 10 } });
    expect(unknownField.status).toBe(400);
    expect((unknownField.json as { error: string }).error).toMatch(/endAfter/);
  });

  it('rejects bad bodies and unknown meetings', async () => {
    expect((await call('POST', '/sim/v1/meetings', '{not json')).status).toBe(400);
    expect((await call('POST', '/sim/v1/meetings', { provider: 'skype', script: {} })).status).toBe(400);
    expect((await call('GET', '/sim/v1/meetings/sim_nope')).status).toBe(404);
    expect((await call('POST', '/sim/v1/meetings/sim_nope/actions', { type: 'end' })).status).toBe(404);
    const { id } = await fixture.sim().createMeeting('meet', {});
    const badAction = await call('POST', `/sim/v1/meetings/${id}/actions`, { type: 'explode' });
    expect(badAction.status).toBe(400);
    expect((badAction.json as { error: string }).error).toMatch(/type/);
  });
});
