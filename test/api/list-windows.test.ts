import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingKeyOf, type CountedChoice } from '../../src/consent/service.js';
import type { Quorum } from '../../src/main.js';
import type { Attempt, Session } from '../../src/sessions/session.js';
import { plannedAhead, retried, seedChoices } from '../helpers/long-lists.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';
import { twoTenants } from './tenancy-fixtures.js';

interface Detail {
  session: Session;
  attempts: Attempt[];
  attemptsTotal?: number;
  attemptsFirst?: number;
  timeline: unknown[];
  consentChoices: CountedChoice[];
  consentChoicesTotal?: number;
  consentChoicesFirst?: number;
  consentChoiceCounts?: Record<string, number>;
}

const numbers = (attempts: readonly Attempt[]) => attempts.map((attempt) => attempt.number);
const cursor = (choice: CountedChoice) => `${choice.at}|${choice.id}`;
/** The order the windows and pages keep: by cursor, compared as the console compares it (`<`). */
const byCursor = (choices: readonly CountedChoice[]) => [...choices].sort((a, b) => (cursor(a) < cursor(b) ? -1 : cursor(a) > cursor(b) ? 1 : 0));

describe.each(dialects)("a session's attempts read in parts (%s)", (dialect) => {
  let t: TestStore;
  let a: Session;
  let b: Session;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    a = await t.sessions.create(newSessionInput());
    b = await t.sessions.create(newSessionInput({ meetingUrl: 'https://meet.google.com/bbb-bbbb-bbb' }));
    await retried(t.sessions, a.id, 60);
    await retried(t.sessions, b.id, 3);
  });
  afterAll(async () => {
    await t?.store.close();
  });

  it('reads the first attempt and the newest with LIMITs, each once, and counts them all', async () => {
    const all = await t.sessions.attempts(a.id);
    expect(numbers(all)).toEqual(Array.from({ length: 61 }, (_, n) => n + 1));
    expect(await t.sessions.attemptWindow(a.id, 1, 10)).toEqual({ attempts: [...all.slice(0, 1), ...all.slice(-10)], total: 61 });
    expect(await t.sessions.attemptWindow(a.id, 1, 100)).toEqual({ attempts: all, total: 61 });
    expect(await t.sessions.attemptWindow(b.id, 1, 100)).toEqual({ attempts: await t.sessions.attempts(b.id), total: 4 });
  });

  it('pages backwards through the middle with every attempt exactly once, in order, and only its own', async () => {
    const all = await t.sessions.attempts(a.id);
    const pages: Attempt[][] = [];
    for (let before: number | undefined = all.at(-10)?.number; ; ) {
      const page = await t.sessions.attemptPage(a.id, { after: 1, before, limit: 7 });
      expect(page.attempts.length).toBeLessThanOrEqual(7);
      pages.unshift(page.attempts);
      if (!page.more) break;
      before = page.attempts[0]?.number;
    }
    expect(pages.flat()).toEqual(all.slice(1, -10));
    expect(await t.sessions.attemptPage(b.id, { before: 60, limit: 100 })).toEqual({ attempts: await t.sessions.attempts(b.id), more: false });
  });
});

/** A file of the server, as a failing bot's error would name it. */
const serverFile = join(process.cwd(), 'data', 'artifacts', 'rec', 'attempt-1.webm');

describe('GET /v1/sessions/:id?attempts=N&choices=N, …/attempts and …/consent-choices', () => {
  let quorum: Quorum;
  let alphaToken: string;
  let bravoToken: string;
  let retriedOften: Session;
  let bigMeeting: Session;
  let other: Session;
  const detail = (id: string, query = '', token?: string) => api<Detail>(quorum, 'GET', `/v1/sessions/${id}${query}`, undefined, token);
  const attemptsPage = (id: string, query: string, token?: string) =>
    api<{ attempts: Attempt[]; more: boolean; nextBefore: number | null }>(quorum, 'GET', `/v1/sessions/${id}/attempts${query}`, undefined, token);
  const choicesPage = (id: string, query: string, token?: string) =>
    api<{ consentChoices: CountedChoice[]; more: boolean; nextBefore: string | null }>(quorum, 'GET', `/v1/sessions/${id}/consent-choices${query}`, undefined, token);

  beforeAll(async () => {
    quorum = await startTestQuorum();
    ({ alphaToken, bravoToken } = await twoTenants(quorum));
    const plan = (companyId: string, code: string) => plannedAhead(quorum, { companyId, code });
    retriedOften = await plan('alpha', 'ret-rrrr-ied');
    bigMeeting = await plan('alpha', 'big-mmmm-eet');
    other = await plan('bravo', 'oth-eeee-rrr');
    // Retry 75's reason names a server file, as a script's reason copied from an error might.
    await retried(quorum.sessions, retriedOften.id, 150, (n) => (n === 75 ? `after: could not write ${serverFile}` : `operator retry ${n}`));
    // Three clicks in each millisecond: the cursor's id orders them.
    await seedChoices(quorum, bigMeeting, 300, 3);
    await retried(quorum.sessions, other.id, 5);
    await seedChoices(quorum, other, 20);
  });
  afterAll(async () => {
    await quorum?.close();
  });

  it('answers as before without these queries: every attempt and choice, and no totals', async () => {
    const whole = await detail(bigMeeting.id);
    expect(Object.keys(whole.body)).toEqual(['session', 'decision', 'attempts', 'timeline', 'artifacts', 'consentChoices']);
    expect(whole.body.consentChoices).toEqual(await quorum.consent.service.countedFor(bigMeeting));
    expect((await detail(retriedOften.id)).body.attempts).toEqual(await quorum.sessions.attempts(retriedOften.id));
    // `?events=N` alone windows the timeline only, as it did.
    const timelineOnly = await detail(bigMeeting.id, '?events=10');
    expect(Object.keys(timelineOnly.body)).toEqual(['session', 'decision', 'attempts', 'timeline', 'timelineTotal', 'timelineFirst', 'artifacts', 'consentChoices']);
    expect(timelineOnly.body.consentChoices).toEqual(whole.body.consentChoices);
  });

  it('carries the first attempt and the newest N with the total, and the whole of a short list', async () => {
    const all = await quorum.sessions.attempts(retriedOften.id);
    const windowed = await detail(retriedOften.id, '?attempts=40');
    expect(windowed.status).toBe(200);
    expect(windowed.body.attemptsTotal).toBe(151);
    expect(windowed.body.attemptsFirst).toBe(1);
    expect(windowed.body.attempts).toEqual([...all.slice(0, 1), ...all.slice(-40)]);
    // Everything else is the detail as without the query.
    const whole = await detail(retriedOften.id);
    const rest = (body: Detail) => ({ ...body, attempts: [], attemptsTotal: undefined, attemptsFirst: undefined });
    expect(rest(windowed.body)).toEqual(rest(whole.body));

    const short = await detail(bigMeeting.id, '?attempts=40');
    expect(short.body.attempts).toEqual(await quorum.sessions.attempts(bigMeeting.id));
    expect(short.body.attemptsTotal).toBe(1);
    for (const bad of ['?attempts=0', '?attempts=1001', '?attempts=many']) expect((await detail(retriedOften.id, bad)).status).toBe(400);
  });

  it('carries the first five choices and the newest N with the total and the count of each choice', async () => {
    const all = byCursor(await quorum.consent.service.countedFor(bigMeeting));
    expect(all).toHaveLength(300);
    const windowed = await detail(bigMeeting.id, '?choices=50');
    expect(windowed.body.consentChoicesTotal).toBe(300);
    expect(windowed.body.consentChoicesFirst).toBe(5);
    expect(windowed.body.consentChoices).toEqual([...all.slice(0, 5), ...all.slice(-50)]);
    // The counts are over every choice, the ones left out too.
    expect(windowed.body.consentChoiceCounts).toEqual({ record: 294, no_record: 6 });
    const rest = (body: Detail) => ({ ...body, consentChoices: [], consentChoicesTotal: undefined, consentChoicesFirst: undefined, consentChoiceCounts: undefined });
    expect(rest(windowed.body)).toEqual(rest((await detail(bigMeeting.id)).body));
    // A short list comes whole; a session without choices has none, and counts of nought.
    expect((await detail(bigMeeting.id, '?choices=1000')).body.consentChoices).toEqual(all);
    const none = await detail(retriedOften.id, '?choices=50');
    expect([none.body.consentChoices, none.body.consentChoicesTotal, none.body.consentChoiceCounts]).toEqual([[], 0, { record: 0, no_record: 0 }]);
    for (const bad of ['?choices=0', '?choices=1001', '?choices=all']) expect((await detail(bigMeeting.id, bad)).status).toBe(400);
  });

  it('pages through the hidden attempts: every one exactly once, in order, newest page first', async () => {
    const all = await quorum.sessions.attempts(retriedOften.id);
    const windowed = (await detail(retriedOften.id, '?attempts=40')).body.attempts;
    let before: number | null | undefined = windowed[1]?.number;
    const middle: Attempt[][] = [];
    let requests = 0;
    while (before !== null) {
      const answer = await attemptsPage(retriedOften.id, `?after=${windowed[0]?.number}&before=${before}&limit=30`);
      expect(answer.status).toBe(200);
      expect(answer.body.attempts.length).toBeLessThanOrEqual(30);
      middle.unshift(answer.body.attempts);
      before = answer.body.nextBefore;
      requests += 1;
    }
    expect(requests).toBe(Math.ceil((151 - 41) / 30));
    expect(middle.flat()).toEqual(all.slice(1, -40));
    // Without bounds: the newest page, 200 by default (all 151 here).
    expect((await attemptsPage(retriedOften.id, '')).body).toEqual({ attempts: all, more: false, nextBefore: null });
    for (const bad of ['?limit=0', '?limit=1001', '?before=x', '?after=-1']) expect((await attemptsPage(retriedOften.id, bad)).status).toBe(400);
    expect((await attemptsPage('no-such-session', '')).status).toBe(404);
  });

  it('pages through the hidden choices by cursor: every one exactly once, in order, ties included', async () => {
    const all = byCursor(await quorum.consent.service.countedFor(bigMeeting));
    const windowed = (await detail(bigMeeting.id, '?choices=50')).body.consentChoices;
    const after = encodeURIComponent(cursor(windowed[4] as CountedChoice));
    let before: string | null = cursor(windowed[5] as CountedChoice);
    const middle: CountedChoice[][] = [];
    while (before !== null) {
      const answer = await choicesPage(bigMeeting.id, `?after=${after}&before=${encodeURIComponent(before)}&limit=40`);
      expect(answer.status).toBe(200);
      expect(answer.body.consentChoices.length).toBeLessThanOrEqual(40);
      middle.unshift(answer.body.consentChoices);
      before = answer.body.nextBefore;
    }
    expect(middle.flat()).toEqual(all.slice(5, -50));
    const newest = await choicesPage(bigMeeting.id, '');
    expect(newest.body.consentChoices).toEqual(all.slice(-200));
    expect(newest.body.nextBefore).toBe(cursor(all.at(-200) as CountedChoice));
    for (const bad of ['?limit=0', '?limit=1001', `?before=${'x'.repeat(201)}`]) expect((await choicesPage(bigMeeting.id, bad)).status).toBe(400);
    expect((await choicesPage('no-such-session', '')).status).toBe(404);
  });

  it('follows a decline that replaces a participant\'s earlier "Join": one choice each, the counts moved', async () => {
    const [link] = await quorum.consent.store.linksForMeeting('alpha', meetingKeyOf(bigMeeting.meetingUrl));
    const [earlier] = await quorum.consent.store.choices([link?.id ?? ''], undefined, 'participant-0001');
    const seeded = { linkId: link?.id ?? '', sessionId: bigMeeting.id, participant: 'participant-0001', addressHash: null, userAgent: 'seeded' };
    const decline = await quorum.consent.store.addChoice({ ...seeded, choice: 'no_record', at: new Date().toISOString() });
    const windowed = (await detail(bigMeeting.id, '?choices=3')).body;
    expect(windowed.consentChoicesTotal).toBe(300);
    expect(windowed.consentChoiceCounts).toEqual({ record: 293, no_record: 7 });
    expect(windowed.consentChoices.at(-1)).toMatchObject({ id: decline.id, choice: 'no_record' });
    const ids = (await choicesPage(bigMeeting.id, '?limit=1000')).body.consentChoices.map((choice) => choice.id);
    expect(ids).toHaveLength(300);
    expect(ids).toContain(decline.id);
    expect(ids).not.toContain(earlier?.id);
  });

  it('holds a company token to its own sessions, as the detail does, and shows it the tenant view', async () => {
    for (const path of [`?attempts=10&choices=10`, '/attempts', '/attempts?before=3&limit=1', '/consent-choices', '/consent-choices?limit=1']) {
      const refused = await api(quorum, 'GET', `/v1/sessions/${other.id}${path}`, undefined, alphaToken);
      expect(refused.status).toBe(404);
      expect(JSON.stringify(refused.body)).not.toContain('participant-');
      expect(JSON.stringify(refused.body)).not.toContain('operator retry');
    }
    expect((await attemptsPage(other.id, '', bravoToken)).body.attempts).toHaveLength(6);
    expect((await choicesPage(other.id, '', bravoToken)).body.consentChoices).toHaveLength(20);

    const query = '?after=75&before=77';
    const asAdmin = await attemptsPage(retriedOften.id, query);
    expect(numbers(asAdmin.body.attempts)).toEqual([76]);
    expect(asAdmin.body.attempts[0]?.reason).toBe(`after: could not write ${serverFile}`);
    const asCompany = await attemptsPage(retriedOften.id, query, alphaToken);
    expect(asCompany.status).toBe(200);
    expect(asCompany.body.attempts[0]?.reason).toBe('after: could not write …/attempt-1.webm');
    expect(JSON.stringify(asCompany.body)).not.toContain(process.cwd());
    // The windowed detail shows the same view of the attempts it carries.
    const windowed = await detail(retriedOften.id, '?attempts=100', alphaToken);
    expect(windowed.body.attempts.find((attempt) => attempt.number === 76)).toEqual(asCompany.body.attempts[0]);
    expect((await choicesPage(bigMeeting.id, '?limit=5', alphaToken)).body).toEqual((await choicesPage(bigMeeting.id, '?limit=5')).body);
  });
});
