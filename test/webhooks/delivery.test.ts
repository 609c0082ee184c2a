import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanyStore } from '../../src/companies/company-store.js';
import { SettingsCipher } from '../../src/companies/secrets.js';
import { ArtifactStore } from '../../src/sessions/artifacts.js';
import type { SessionState } from '../../src/sessions/states.js';
import { endpointStatus, startWebhooks, type EndedData, type StateChangedData, type Webhooks } from '../../src/webhooks/index.js';
import { dialects, newSessionInput, openTestStore, type TestStore } from '../helpers/store.js';
import { eventually, fastTimings, Receiver } from './receiver.js';

const secret = 'whsec_0123456789abcdef';
const recordedPath: Array<[SessionState, string]> = [
  ['dispatching', 'dispatched'],
  ['joining', 'joining'],
  ['recording', 'admitted'],
  ['leaving', 'leaving'],
  ['processing', 'processing'],
];

describe.each(dialects)('webhook deliveries from the timeline, on %s', (dialect) => {
  let t: TestStore;
  let companies: CompanyStore;
  let artifacts: ArtifactStore;
  let running: Webhooks[];
  let receivers: Receiver[];

  // The receivers listen on loopback, an internal address: allowed here as an operator would for a local integration.
  const start = (internalTargets = true) => {
    const webhooks = startWebhooks({ db: t.store.db, bus: t.bus, companies, sessions: t.sessions, artifacts, log: pino({ level: 'silent' }), timings: fastTimings, internalTargets });
    running.push(webhooks);
    return webhooks;
  };
  const receiver = async () => {
    const made = await Receiver.listening();
    receivers.push(made);
    return made;
  };
  const company = (id: string, webhooks: unknown[]) => companies.put({ id, name: id, assistantAddress: `assistant@${id}.example`, settings: { providers: { meet: { enabled: true } }, webhooks } });
  /** A session of `companyId` driven from its creation to done, with one recording saved on the way. */
  const recorded = async (companyId = 'acme') => {
    const session = await t.sessions.create(newSessionInput({ companyId, title: 'Weekly sync' }));
    for (const [to, code] of recordedPath) await t.sessions.transition(session.id, to, { code });
    const file = join(artifacts.dirFor(session.id), 'audio.webm');
    writeFileSync(file, 'webm bytes');
    const audio = await artifacts.add({ sessionId: session.id, attempt: 1, kind: 'audio', path: file, durationMs: 42_000 });
    await t.sessions.note(session.id, 'artifact_saved', { artifactId: audio.id });
    await t.sessions.transition(session.id, 'done', { code: 'recorded', endCode: 'meeting_ended' });
    return { session, audio };
  };

  beforeEach(async () => {
    t = await openTestStore(dialect);
    companies = new CompanyStore(t.store.db, new SettingsCipher('test key'));
    artifacts = new ArtifactStore(t.store.db, join(t.dir, 'artifacts'));
    running = [];
    receivers = [];
  });
  afterEach(async () => {
    await Promise.all(running.map((webhooks) => webhooks.close()));
    await Promise.all(receivers.map((r) => r.stop()));
    await t.store.close();
  });

  it('sends every state change of a session in order, signed, then its ending with the end code and files', async () => {
    const hooks = await receiver();
    await company('acme', [{ url: hooks.url, secret }]);
    start();
    const { session, audio } = await recorded();
    await eventually('eight events', () => hooks.requests.length === 8);
    expect(hooks.allSigned(secret)).toBe(true);
    expect(hooks.allSigned('another secret of 16+')).toBe(false);
    const changes = hooks.requests.map((r) => r.event).filter((event) => event.type === 'session.state_changed');
    expect(changes.map((event) => [(event.data as StateChangedData).from, (event.data as StateChangedData).to])).toEqual([
      [null, 'scheduled'],
      ['scheduled', 'dispatching'],
      ['dispatching', 'joining'],
      ['joining', 'recording'],
      ['recording', 'leaving'],
      ['leaving', 'processing'],
      ['processing', 'done'],
    ]);
    const timeline = (await t.sessions.timeline(session.id)).filter((event) => event.to !== null);
    expect(changes.map((event) => event.id)).toEqual(timeline.map((event) => `evt_${event.id}_state_changed`));
    expect(changes[6]?.data).toMatchObject({ session: { id: session.id, companyId: 'acme', provider: 'meet', meetingUrl: session.meetingUrl, title: 'Weekly sync' }, code: 'recorded', attempt: 1, endCode: 'meeting_ended' });
    const ended = hooks.requests[7]?.event;
    expect(ended).toMatchObject({ id: `evt_${timeline[6]?.id}_ended`, type: 'session.ended', companyId: 'acme' });
    expect(ended?.data as EndedData).toMatchObject({ to: 'done', endCode: 'meeting_ended', message: 'The meeting ended.' });
    expect((ended?.data as EndedData).artifacts).toEqual([expect.objectContaining({ id: audio.id, kind: 'audio', bytes: 10, durationMs: 42_000, downloadPath: `/v1/sessions/${session.id}/artifacts/${audio.id}` })]);
  });

  it('sends an event again with the same id after a 500, then goes on with the next ones', async () => {
    const hooks = await receiver();
    hooks.answer = ({ index }) => (index === 1 ? 500 : 200);
    await company('acme', [{ url: hooks.url, secret }]);
    start();
    const session = await t.sessions.create(newSessionInput({ companyId: 'acme' }));
    await t.sessions.transition(session.id, 'dispatching', { code: 'dispatched' });
    await t.sessions.transition(session.id, 'failed', { code: 'admission_denied', endCode: 'admission_denied' });
    await eventually('the failed one again and the rest', () => hooks.accepted.length === 4);
    const ids = hooks.requests.map((r) => r.event.id);
    expect(hooks.requests.map((r) => r.answered)).toEqual([200, 500, 200, 200, 200]);
    expect(ids[1]).toBe(ids[2]);
    expect(new Set(hooks.accepted.map((r) => r.event.id)).size).toBe(4);
    expect(hooks.accepted.at(-1)?.event.data).toMatchObject({ endCode: 'admission_denied', message: 'A host denied the bot entry to the meeting.', artifacts: [] });
    // The answer reaches the receiver a moment before Quorum stores it.
    const stored = async () => (await endpointStatus(t.store.db, 'acme', [{ url: hooks.url, secret }]))[0];
    await eventually('the last delivery stored', async () => (await stored())?.lastDeliveredEventId === hooks.accepted.at(-1)?.event.id);
    expect(await stored()).toMatchObject({ status: 'ok', consecutiveFailures: 0, lastDeliveredEventId: hooks.accepted.at(-1)?.event.id, lastFailure: { status: 500, error: 'HTTP 500', eventId: ids[1] } });
  });

  it("keeps companies apart, sends only the event types an endpoint asked for, and a failing endpoint holds up no other", async () => {
    const [acmeAll, acmeEnded, globex] = [await receiver(), await receiver(), await receiver()];
    const down = await Receiver.down();
    await company('acme', [{ url: down.url, secret }, { url: acmeAll.url, secret }, { url: acmeEnded.url, secret, events: ['session.ended'] }]);
    await company('globex', [{ url: globex.url, secret }]);
    start();
    await recorded('acme');
    await recorded('globex');
    await eventually('both companies delivered', () => acmeAll.requests.length === 8 && globex.requests.length === 8 && acmeEnded.requests.length === 1);
    expect(acmeEnded.requests[0]?.event.type).toBe('session.ended');
    expect(globex.requests.every((r) => r.event.companyId === 'globex')).toBe(true);
    expect(acmeAll.requests.every((r) => r.event.companyId === 'acme')).toBe(true);
    const downStatus = async () => (await endpointStatus(t.store.db, 'acme', [{ url: down.url, secret }]))[0];
    await eventually('a failure stored', async () => (await downStatus())?.lastFailure !== null);
    const failing = await downStatus();
    expect(failing).toMatchObject({ status: 'failing', lastDeliveredEventId: null, lastFailure: { status: null, error: expect.stringContaining('ECONNREFUSED') as unknown } });
    expect(failing?.consecutiveFailures).toBeGreaterThan(0);
  });

  it('sends each event once and in order when several processes run the dispatcher', async () => {
    const hooks = await receiver();
    await company('acme', [{ url: hooks.url, secret }]);
    start();
    start();
    start();
    for (let i = 0; i < 3; i += 1) await recorded();
    await eventually('every event of three sessions', () => hooks.requests.length >= 24);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ids = hooks.requests.map((r) => r.event.id);
    expect(ids).toHaveLength(24);
    const order = ids.map((id) => Number(/^evt_(\d+)_/.exec(id)?.[1]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  // Only PostgreSQL has writers that commit out of id order (SQLite takes one writer at a time): defined there only.
  if (dialect === 'postgres') it('waits for an event that committed after a later one, so none is skipped', async () => {
    const hooks = await receiver();
    await company('acme', [{ url: hooks.url, secret }]);
    start();
    const [first, second] = [await t.sessions.create(newSessionInput({ companyId: 'acme' })), await t.sessions.create(newSessionInput({ companyId: 'acme', meetingUrl: 'https://meet.google.com/xyz-abcd-efg' }))];
    await eventually('both sessions created', () => hooks.requests.length === 2);
    let heldId = 0;
    let letGo = () => undefined as void;
    const held = t.store.db.transaction().execute(async (trx) => {
      // A transition of the first session that has its id but commits only after the second session's.
      const row = await trx.insertInto('events').values({ session_id: first.id, attempt: 1, at: new Date().toISOString(), from_state: 'scheduled', to_state: 'dispatching', code: 'dispatched', details: null }).returning('id').executeTakeFirstOrThrow();
      heldId = Number(row.id);
      await new Promise<void>((resolve) => (letGo = resolve));
    });
    try {
      await eventually('the held insert', () => heldId > 0);
      await t.sessions.transition(second.id, 'dispatching', { code: 'dispatched' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(hooks.requests).toHaveLength(2);
    } finally {
      letGo();
      await held;
    }
    await eventually('both transitions', () => hooks.requests.length === 4);
    expect(hooks.requests.slice(2).map((r) => r.event.id)).toEqual([`evt_${heldId}_state_changed`, `evt_${heldId + 1}_state_changed`]);
  });

  it('does not follow redirects, and counts one as a failure', async () => {
    const hooks = await receiver();
    hooks.answer = () => 302;
    await company('acme', [{ url: hooks.url, secret }]);
    start();
    await t.sessions.create(newSessionInput({ companyId: 'acme' }));
    await eventually('two tries', () => hooks.requests.length >= 2);
    const [status] = await endpointStatus(t.store.db, 'acme', [{ url: hooks.url, secret }]);
    expect(status).toMatchObject({ status: 'failing', lastFailure: { status: 302, error: expect.stringContaining('redirects are not followed') as unknown } });
    expect(new Set(hooks.requests.map((r) => r.event.id)).size).toBe(1);
  });

  it('reaches no internal address unless the operator allows it, by name or written out, and says why', async () => {
    const hooks = await receiver();
    const byName = `http://localhost:${hooks.port}/hooks`;
    await company('acme', [{ url: hooks.url, secret }, { url: byName, secret }]);
    start(false);
    await t.sessions.create(newSessionInput({ companyId: 'acme' }));
    const statuses = async () => endpointStatus(t.store.db, 'acme', [{ url: hooks.url, secret }, { url: byName, secret }]);
    await eventually('both refused', async () => (await statuses()).every((status) => status.lastFailure !== null));
    const [written, named] = await statuses();
    expect(written?.lastFailure?.error).toBe('127.0.0.1 is an internal address; the operator allows these with QUORUM_WEBHOOK_INTERNAL_TARGETS=true');
    expect(named?.lastFailure?.error).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), an internal address; the operator allows these with QUORUM_WEBHOOK_INTERNAL_TARGETS=true$/);
    expect(hooks.requests).toHaveLength(0);
  });
});
