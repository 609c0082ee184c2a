import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplyMail } from '../../src/intake/reply.js';
import { outcomeMail } from '../../src/notify/outcome-mail.js';
import { startOutcomeNotices, type OutcomeNotices } from '../../src/notify/outcome-notices.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(dialects)('telling requesters how their meeting ended, on %s', (dialect) => {
  let t: TestStore;
  let sent: ReplyMail[];
  let notices: OutcomeNotices[];
  const start = (replier = { send: (mail: ReplyMail) => Promise.resolve(void sent.push(mail)) }) => {
    const started = startOutcomeNotices({ db: t.store.db, bus: t.bus, sessions: t.sessions, replier, fromFor: () => Promise.resolve('assistant@acme.example'), sessionUrl: (id) => `https://quorum.acme.example/console/#/sessions/${id}`, log: pino({ level: 'silent' }), settleMs: 1_000 });
    notices.push(started);
    return started;
  };
  beforeEach(async () => {
    t = await openTestStore(dialect);
    sent = [];
    notices = [];
  });
  afterEach(async () => {
    await Promise.all(notices.map((n) => n.close()));
    await t.store.close();
  });

  const recorded = async (requestedBy: string) => {
    const session = await t.sessions.create({ ...newSessionInput({ title: 'Roadmap review' }), requestedBy });
    for (const to of ['dispatching', 'joining', 'recording', 'leaving', 'processing'] as const) await t.sessions.transition(session.id, to, { code: to });
    return t.sessions.transition(session.id, 'done', { code: 'recorded', endCode: 'meeting_ended', details: { durationMs: 42 * 60_000 } });
  };

  it('mails the requester once the session ended for good, not for an attempt the retry policy tries again', async () => {
    start();
    const session = await t.sessions.create({ ...newSessionInput({ title: 'Weekly sync' }), requestedBy: 'ana@acme.example' });
    await t.sessions.transition(session.id, 'dispatching', { code: 'dispatched' });
    await t.sessions.transition(session.id, 'failed', { code: 'browser_crashed', endCode: 'browser_crashed' });
    // The scheduler plans the retry right after the failure: within the settling time (a second here), so nothing is sent.
    await t.sessions.transition(session.id, 'scheduled', { code: 'retry' });
    await pause(1_500);
    expect(sent).toEqual([]);
    await t.sessions.transition(session.id, 'dispatching', { code: 'dispatched' });
    await t.sessions.transition(session.id, 'failed', { code: 'admission_denied', endCode: 'admission_denied' });
    await until(() => sent.length === 1);
    expect(sent[0]).toMatchObject({ from: 'assistant@acme.example', to: 'ana@acme.example', subject: 'Not recorded: Weekly sync' });
    expect(sent[0]?.text).toContain('Why: A host denied the bot entry to the meeting. (admission_denied)');
    expect(sent[0]?.text).toContain(`https://quorum.acme.example/console/#/sessions/${session.id}`);
    expect((await t.sessions.timeline(session.id)).filter((e) => e.code === 'requester_notified')).toHaveLength(1);
  });

  it('says a recording is ready and how long it is; one mail however many processes hear the ending', async () => {
    start();
    start();
    const session = await recorded('ben@acme.example');
    await until(() => sent.length === 1);
    await pause(1_500);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'ben@acme.example', subject: 'Recorded: Roadmap review' });
    expect(sent[0]?.text).toMatch(/^Quorum recorded your meeting "Roadmap review" \(.+ UTC\): 42 minutes\.$/m);
    expect(sent[0]?.text).toContain(session.id);
  });

  it('mails nobody when files of an ended session are deleted later (a retention sweep over old sessions)', async () => {
    // Ended before any notifier ran (an upgrade, a relay set up later): only its ending would have been news.
    const old = await recorded('eve@acme.example');
    start();
    await t.sessions.note(old.id, 'recordings_deleted', { reason: 'retention', by: 'retention', artifacts: 1 });
    await pause(1_500);
    expect(sent).toEqual([]);
  });

  it('stays quiet for operators\' own joins and meetings the organizer cancelled; a failed send is logged, not noted', async () => {
    start({ send: () => Promise.reject(new Error('relay down')) });
    const failed = await recorded('cy@acme.example');
    await recorded('operator');
    const cancelled = await t.sessions.create({ ...newSessionInput(), requestedBy: 'di@acme.example' });
    await t.sessions.transition(cancelled.id, 'cancelled', { code: 'meeting_cancelled', endCode: 'meeting_cancelled' });
    await pause(1_500);
    expect(sent).toEqual([]);
    expect((await t.sessions.timeline(failed.id)).some((e) => e.code === 'requester_notified')).toBe(false);
  });
});

describe('the outcome mail', () => {
  it('gives the rule that stopped a join, in its own words', () => {
    const session = { id: 's1', title: 'Board\n meeting', startsAt: '2026-12-01T15:00:00.000Z', state: 'cancelled', endCode: 'requester_no_seat', attempt: 1 } as const;
    const timeline = [{ id: 1, attempt: 1, at: '', from: 'dispatching', to: 'cancelled', code: 'not_eligible_at_join', details: { reasons: [{ code: 'requester_no_seat', message: 'ana@acme.example has no seat.' }] } }] as const;
    const mail = outcomeMail(session as never, timeline as never);
    expect(mail.subject).toBe('Not recorded: Board meeting');
    expect(mail.text).toContain('(2026-12-01 15:00 UTC)');
    expect(mail.text).toContain('Details: ana@acme.example has no seat.');
  });
});
