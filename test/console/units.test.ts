import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../src/bus.js';
import { redactSecrets, scopedCompany } from '../../src/console/api.js';
import { renderCharts, stackedBars } from '../../src/console/charts.js';
import { readStats } from '../../src/console/stats.js';
import { SessionStore, sessionCursor } from '../../src/sessions/session-store.js';
import { openSqliteStore, type Store } from '../../src/store/database.js';
import { dialects, openTestStore, type TestStore } from '../helpers/store.js';

describe('console charts and stats', () => {
  let store: Store;
  let sessions: SessionStore;
  beforeAll(async () => {
    store = await openSqliteStore(mkdtempSync(join(tmpdir(), 'quorum-console-')));
    sessions = new SessionStore(store.db, createMemoryBus());
  });
  afterAll(async () => {
    await store.close();
  });

  const create = (companyId: string, title: string) =>
    sessions.create({ companyId, provider: 'meet', plan: 'bot', meetingUrl: `https://meet.google.com/${title}`, title, startsAt: new Date(), endsAt: new Date(), joinAt: new Date() });

  it('counts attempts by outcome, join latency bucket, failing end code and active state, per company', async () => {
    const ok = await create('a', 'ok');
    for (const to of ['dispatching', 'joining', 'recording', 'leaving', 'done'] as const) {
      await sessions.transition(ok.id, to, { code: to, ...(to === 'done' ? { endCode: 'meeting_ended' as const } : {}) });
    }
    const bad = await create('a', 'bad');
    await sessions.transition(bad.id, 'dispatching', { code: 'dispatched' });
    await sessions.transition(bad.id, 'failed', { code: 'x', endCode: 'blocked_by_captcha' });
    const running = await create('b', 'running');
    await sessions.transition(running.id, 'dispatching', { code: 'dispatched' });

    const a = await readStats(store.db, { companyId: 'a', hours: 2 });
    expect(a.perHour.reduce((n, b) => n + b.ended, 0)).toBe(1);
    expect(a.perHour.reduce((n, b) => n + b.failed, 0)).toBe(1);
    expect(a.failuresByEndCode).toEqual([{ endCode: 'blocked_by_captcha', count: 1 }]);
    // Admitted within a second of dispatch: the first bucket, as quorum_join_latency_seconds would count it.
    expect(a.latency[0]).toEqual({ le: 1, count: 1 });
    expect(a.activeBots).toBe(0);
    const all = await readStats(store.db, { hours: 2 });
    expect(all.activeByState).toEqual({ dispatching: 1 });
    expect(renderCharts(all).active).toContain('dispatching: 1');
  });

  it('escapes every label into the SVG and states the numbers in its description', () => {
    const svg = stackedBars('c', 'A <b> & "c"', [{ name: '<script>', color: '#000' }], [{ label: '</svg>', values: [3] }]);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('</svg><');
    expect(svg).toContain('&lt;/svg&gt;: 3 &lt;script&gt;');
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
  });

});

describe.each(dialects)('session list filters of the console (%s)', (dialect) => {
  let test: TestStore;
  beforeAll(async () => {
    test = await openTestStore(dialect);
  });
  afterAll(async () => {
    await test.store.close();
  });
  const create = (companyId: string, title: string) =>
    test.sessions.create({ companyId, provider: 'meet', plan: 'bot', meetingUrl: `https://meet.google.com/${title}`, title, startsAt: new Date(), endsAt: new Date(), joinAt: new Date() });

  it('finds sessions by title or URL, case-insensitive, with LIKE wildcards taken literally', async () => {
    await create('c', 'Budget 100%_final');
    await create('c', 'Budget 1000 final');
    expect((await test.sessions.list({ companyId: 'c', q: 'budget 100%_' })).map((s) => s.title)).toEqual(['Budget 100%_final']);
    expect(await test.sessions.list({ companyId: 'c', q: 'MEET.GOOGLE.COM/budget' })).toHaveLength(2);
  });

  it('filters by end code and time range and pages by keyset without gaps or repeats', async () => {
    const made = [];
    for (let i = 0; i < 5; i += 1) made.push(await create('k', `page ${i}`));
    const failed = made[2];
    if (!failed) throw new Error('no session');
    await test.sessions.transition(failed.id, 'failed', { code: 'x', endCode: 'kicked' });
    expect((await test.sessions.list({ companyId: 'k', endCode: 'kicked' })).map((s) => s.id)).toEqual([failed.id]);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await test.sessions.list({ companyId: 'k', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.map((s) => s.id));
      const last = page.at(-1);
      if (page.length < 2 || !last) break;
      cursor = sessionCursor(last);
    }
    // Same order as one big page (newest first, ties broken by id), every session exactly once.
    expect(seen).toEqual((await test.sessions.list({ companyId: 'k' })).map((s) => s.id));
    expect([...seen].sort()).toEqual(made.map((s) => s.id).sort());
    const first = made[0];
    if (!first) throw new Error('no session');
    expect(await test.sessions.list({ companyId: 'k', from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect((await test.sessions.list({ companyId: 'k', to: first.createdAt })).length).toBe(0);
  });
});

describe('console scoping and redaction', () => {
  const request = {} as FastifyRequest;
  it('lets the admin ask for any company and a company token only for its own', () => {
    expect(scopedCompany(() => undefined, request, 'acme')).toBe('acme');
    expect(scopedCompany(() => undefined, request, undefined)).toBeUndefined();
    expect(scopedCompany(() => 'acme', request, undefined)).toBe('acme');
    expect(scopedCompany(() => 'acme', request, 'acme')).toBe('acme');
    expect(scopedCompany(() => 'acme', request, 'globex')).not.toMatch(/^[a-z0-9][a-z0-9_-]*$/);
  });

  it('hides secret values wherever they sit in the settings', () => {
    const shown = redactSecrets({ providers: { zoom: { clientSecret: 's1', clientId: 'id' }, teams: { authenticatedBot: { account: { email: 'bot@x', password: 'pw' } } } } });
    expect(JSON.stringify(shown)).not.toMatch(/s1|pw/);
    expect(JSON.stringify(shown)).toContain('bot@x');
  });
});
