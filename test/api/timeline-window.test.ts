import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import type { Session, TimelineEvent } from '../../src/sessions/session.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';
import { plannedAhead } from '../helpers/long-lists.js';
import { twoTenants } from './tenancy-fixtures.js';

interface Detail {
  session: Session;
  timeline: TimelineEvent[];
  timelineTotal?: number;
  timelineFirst?: number;
  attempts: unknown[];
  artifacts: unknown[];
  consentChoices: unknown[];
}

interface Page {
  events: TimelineEvent[];
  more: boolean;
  nextBefore: number | null;
}

const ids = (events: readonly TimelineEvent[]) => events.map((event) => event.id);

/** Two sessions' notes written in turn: neither session's event ids follow each other, as on a busy server. */
async function interleavedNotes(notes: (id: string, n: number) => Promise<unknown>, a: string, b: string, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    await notes(a, n);
    await notes(b, n);
  }
}

describe.each(dialects)('the timeline read in parts (%s)', (dialect) => {
  let t: TestStore;
  let a: Session;
  let b: Session;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    a = await t.sessions.create(newSessionInput());
    b = await t.sessions.create(newSessionInput({ meetingUrl: 'https://meet.google.com/bbb-bbbb-bbb' }));
    await interleavedNotes((id, n) => t.sessions.note(id, 'bot_note', { n }), a.id, b.id, 150);
  });
  afterAll(async () => {
    await t?.store.close();
  });

  it('reads the first events and the newest with LIMITs, each once, and counts them all', async () => {
    const all = await t.sessions.timeline(a.id);
    expect(all).toHaveLength(151);
    const window = await t.sessions.timelineWindow(a.id, 5, 40);
    expect(window.total).toBe(151);
    expect(window.events).toEqual([...all.slice(0, 5), ...all.slice(-40)]);
    // They meet on a short timeline: every event once, in order.
    expect(await t.sessions.timelineWindow(a.id, 5, 200)).toEqual({ events: all, total: 151 });
    expect(await t.sessions.timelineWindow(a.id, 100, 100)).toEqual({ events: all, total: 151 });
  });

  it('pages backwards through the middle (or the whole timeline) with every event exactly once, in order', async () => {
    const all = await t.sessions.timeline(a.id);
    const read = async (after: number | undefined, before: number | undefined, limit: number) => {
      const pages: TimelineEvent[][] = [];
      for (let upper = before; ; ) {
        const page = await t.sessions.timelinePage(a.id, { after, before: upper, limit });
        expect(page.events.length).toBeLessThanOrEqual(limit);
        pages.unshift(page.events);
        if (!page.more) return pages.flat();
        upper = page.events[0]?.id;
      }
    };
    const first = all[4]?.id;
    const newest = all.at(-40)?.id;
    expect(ids(await read(first, newest, 17))).toEqual(ids(all.slice(5, -40)));
    expect(await read(undefined, undefined, 50)).toEqual(all);
    expect(await t.sessions.timelinePage(a.id, { after: all.at(-1)?.id, limit: 10 })).toEqual({ events: [], more: false });
    expect(await t.sessions.timelinePage(b.id, { before: all[0]?.id, limit: 10 })).toEqual({ events: [], more: false });
  });
});

/** A file of the server, as a failing bot's error would name it. */
const serverFile = join(process.cwd(), 'data', 'artifacts', 'rec', 'attempt-1.webm');

describe('GET /v1/sessions/:id?events=N and GET /v1/sessions/:id/timeline', () => {
  let quorum: Quorum;
  let alphaToken: string;
  let bravoToken: string;
  let chatty: Session;
  let other: Session;
  let short: Session;
  const detail = (id: string, query = '', token?: string) => api<Detail>(quorum, 'GET', `/v1/sessions/${id}${query}`, undefined, token);
  const page = (id: string, query: string, token?: string) => api<Page>(quorum, 'GET', `/v1/sessions/${id}/timeline${query}`, undefined, token);

  beforeAll(async () => {
    quorum = await startTestQuorum();
    ({ alphaToken, bravoToken } = await twoTenants(quorum));
    const plan = (companyId: string, code: string) => plannedAhead(quorum, { companyId, code });
    chatty = await plan('alpha', 'cha-tttt-yyy');
    other = await plan('bravo', 'oth-eeee-rrr');
    short = await plan('alpha', 'sho-rrrr-ttt');
    // A failing bot's error in the middle of the timeline, with its stack and the server's paths.
    const failure = { err: { type: 'Error', message: `could not write ${serverFile}`, stack: `Error: could not write\n    at record (${join(process.cwd(), 'src', 'runner', 'bot-run.ts')}:12:3)` } };
    await interleavedNotes((id, n) => quorum.sessions.note(id, n === 200 ? 'bot_error' : 'bot_note', n === 200 ? failure : { n }), chatty.id, other.id, 400);
  });
  afterAll(async () => {
    await quorum?.close();
  });

  it('answers as before without the query: the whole timeline and no totals', async () => {
    const whole = await detail(chatty.id);
    expect(whole.status).toBe(200);
    expect(Object.keys(whole.body)).toEqual(['session', 'decision', 'attempts', 'timeline', 'artifacts', 'consentChoices']);
    expect(whole.body.timeline).toEqual(await quorum.sessions.timeline(chatty.id));
  });

  it('carries the first five and the newest N events with the total, and the whole of a short timeline', async () => {
    const all = await quorum.sessions.timeline(chatty.id);
    const windowed = await detail(chatty.id, '?events=50');
    expect(windowed.status).toBe(200);
    expect(windowed.body.timelineTotal).toBe(401);
    expect(windowed.body.timelineFirst).toBe(5);
    expect(ids(windowed.body.timeline)).toEqual(ids([...all.slice(0, 5), ...all.slice(-50)]));
    // Everything else is the detail as without the query.
    const whole = await detail(chatty.id);
    expect({ ...windowed.body, timeline: [], timelineTotal: undefined, timelineFirst: undefined }).toEqual({ ...whole.body, timeline: [], timelineTotal: undefined, timelineFirst: undefined });

    const shortWindow = await detail(short.id, '?events=50');
    expect(shortWindow.body.timeline).toEqual(await quorum.sessions.timeline(short.id));
    expect(shortWindow.body.timelineTotal).toBe(1);
    for (const bad of ['?events=0', '?events=1001', '?events=many']) expect((await detail(chatty.id, bad)).status).toBe(400);
  });

  it('pages through the hidden middle: every event exactly once, in order, newest page first', async () => {
    const all = await quorum.sessions.timeline(chatty.id);
    const windowed = (await detail(chatty.id, '?events=50')).body.timeline;
    const after = windowed[4]?.id;
    let before: number | null | undefined = windowed[5]?.id;
    const middle: TimelineEvent[][] = [];
    let requests = 0;
    while (before !== null) {
      const answer = await page(chatty.id, `?after=${after}&before=${before}&limit=37`);
      expect(answer.status).toBe(200);
      expect(answer.body.events.length).toBeLessThanOrEqual(37);
      middle.unshift(answer.body.events);
      before = answer.body.nextBefore;
      requests += 1;
    }
    expect(requests).toBe(Math.ceil((401 - 55) / 37));
    expect(middle.flat()).toEqual(all.slice(5, -50));
    // Without bounds: the newest page, 200 by default.
    const newest = await page(chatty.id, '');
    expect(newest.body.events).toEqual(all.slice(-200));
    expect(newest.body.nextBefore).toBe(all.at(-200)?.id);
    for (const bad of ['?limit=0', '?limit=1001', '?before=x']) expect((await page(chatty.id, bad)).status).toBe(400);
    expect((await page('no-such-session', '')).status).toBe(404);
  });

  it("holds a company token to its own sessions, as the detail does, and shows it the tenant view", async () => {
    for (const path of [`/v1/sessions/${other.id}?events=10`, `/v1/sessions/${other.id}/timeline`, `/v1/sessions/${other.id}/timeline?before=999999999&limit=5`]) {
      const refused = await api(quorum, 'GET', path, undefined, alphaToken);
      expect(refused.status).toBe(404);
      expect(JSON.stringify(refused.body)).not.toContain('bot_note');
    }
    expect((await page(other.id, '', bravoToken)).status).toBe(200);

    const failure = (await quorum.sessions.timeline(chatty.id)).find((event) => event.code === 'bot_error');
    const query = `?after=${(failure?.id ?? 0) - 1}&before=${(failure?.id ?? 0) + 1}`;
    const asAdmin = await page(chatty.id, query);
    expect(asAdmin.body.events).toEqual([failure]);
    expect(JSON.stringify(asAdmin.body)).toContain('"stack"');
    expect(JSON.stringify(asAdmin.body)).toContain(serverFile);

    const asCompany = await page(chatty.id, query, alphaToken);
    expect(asCompany.status).toBe(200);
    expect(ids(asCompany.body.events)).toEqual([failure?.id]);
    const text = JSON.stringify(asCompany.body);
    expect(text).not.toContain('"stack"');
    expect(text).not.toContain(process.cwd());
    expect(text).toContain('could not write …/attempt-1.webm');
    // The windowed detail shows the same view of the events it carries.
    const windowed = await detail(chatty.id, '?events=300', alphaToken);
    expect(windowed.body.timeline.find((event) => event.id === failure?.id)).toEqual(asCompany.body.events[0]);
  });
});
