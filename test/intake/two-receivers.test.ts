import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanyStore } from '../../src/companies/company-store.js';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { tableResolver } from '../../src/intake/dns.js';
import type { InboundMail } from '../../src/intake/inbound.js';
import type { InboundResult } from '../../src/intake/inbound.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { MeetingsStore } from '../../src/intake/meetings-store.js';
import { SessionStore } from '../../src/sessions/session-store.js';
import type { Session } from '../../src/sessions/session.js';
import { openSqliteStore, type Store } from '../../src/store/database.js';
import { dialects, openTestStore, type TestStore } from '../helpers/store.js';
import { inviteMail, storeInbound, type InviteSpec } from './mail.js';

const ASSISTANT = 'assistant@acme.example';
const key = createDkimKey('acme.example');
const DAY = 86_400_000;
const inDays = (days: number) => new Date(Math.floor((Date.now() + days * DAY) / 60_000) * 60_000);

/** Holds each reader of a meeting until `parties` have read it: both processes read before either commits. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived >= parties) open();
    return opened;
  };
}

class GatedMeetings extends MeetingsStore {
  constructor(
    db: Store['db'],
    private readonly gate: () => Promise<void>,
  ) {
    super(db);
  }

  override async meetings(companyId: string, uid?: string): ReturnType<MeetingsStore['meetings']> {
    const rows = await super.meetings(companyId, uid);
    await this.gate();
    return rows;
  }
}

/** Fails the commit numbered `failing` as PostgreSQL does when it breaks a deadlock between two processes. */
class DeadlockOnce extends MeetingsStore {
  private commits = 0;

  constructor(
    db: Store['db'],
    private readonly failing: number,
  ) {
    super(db);
  }

  override transaction<T>(work: Parameters<MeetingsStore['transaction']>[0]): Promise<T> {
    this.commits += 1;
    if (this.commits === this.failing) return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    return super.transaction(work) as Promise<T>;
  }
}

/**
 * Two `quorum serve` processes behind one MX: each its own intake (its own in-process meeting locks) on
 * its own database connection. Only the store can keep them from acting on what they read before the
 * other's commit.
 */
describe.each(dialects)('two processes receiving mail about one meeting, on %s', (dialect) => {
  let t: TestStore;
  let second: Store | undefined;
  let receivers: InboundMail[];
  const planned: Session[] = [];

  function receiver(db: Store['db'], gate: () => Promise<void>, store: MeetingsStore = new GatedMeetings(db, gate)): InboundMail {
    return storeInbound(db, {
      store,
      sessions: new SessionStore(db, t.bus),
      scheduler: { plan: async (session) => void planned.push(session), abort: (id) => t.sessions.get(id) as Promise<Session> },
      maxBytes: 1_000_000,
      resolver: tableResolver(key.dns),
    });
  }

  async function deliver(to: InboundMail, spec: InviteSpec, forward: boolean): Promise<InboundResult> {
    const raw = await signMessage(inviteMail(spec, { from: 'ada@acme.example', to: ASSISTANT, forward }), key);
    return to.receive({ transport: 'smtp', raw, envelope: { recipients: [ASSISTANT], remoteIp: '127.0.0.1', helo: 'mail.acme.example', mailFrom: 'ada@acme.example' } });
  }

  beforeEach(async () => {
    planned.length = 0;
    t = await openTestStore(dialect);
    await new CompanyStore(t.store.db).put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings: defaultCompanySettings({ adminEmail: 'ada@acme.example' }) });
    // SQLite: a second connection to the same file, as a second process has; PostgreSQL: the pool's connections.
    second = dialect === 'sqlite' ? await openSqliteStore(t.dir) : undefined;
    const gate = barrier(2);
    receivers = [receiver(t.store.db, gate), receiver((second ?? t.store).db, gate)];
  });

  afterEach(async () => {
    await second?.close();
    await t.store.close();
  });

  it('an invite and its forward arriving at both at once schedule one session', async () => {
    const spec: InviteSpec = { uid: `both-${dialect}`, start: inDays(2), organizer: 'carol@partner.example', link: 'https://meet.google.com/bot-hhaa-nds', summary: 'Both hands' };
    const results = await Promise.all([deliver(receivers[0] as InboundMail, spec, false), deliver(receivers[1] as InboundMail, spec, true)]);
    expect(results.map((r) => r.status)).toEqual(['processed', 'processed']);
    expect(results.flatMap((r) => r.events.map((e) => e.result)).filter((r) => r === 'applied')).toHaveLength(1);
    const sessions = (await t.sessions.list({ companyId: 'acme' })).filter((s) => s.title === 'Both hands');
    expect(sessions.map((s) => s.state)).toEqual(['scheduled']);
    expect(planned.map((s) => s.id)).toEqual(sessions.map((s) => s.id));
    const [occurrence] = await new MeetingsStore(t.store.db).occurrences('acme', spec.uid);
    expect(occurrence?.sessionId).toBe(sessions[0]?.id);
  });

  it('an update received by one process while the other plans the invite moves the one session', async () => {
    const spec: InviteSpec = { uid: `moved-${dialect}`, start: inDays(2), organizer: 'ada@acme.example', link: 'https://meet.google.com/mov-edda-aaa', summary: 'Moved along' };
    const moved = { ...spec, sequence: 1, start: inDays(3) };
    await Promise.all([deliver(receivers[0] as InboundMail, spec, false), deliver(receivers[1] as InboundMail, moved, false)]);
    const sessions = (await t.sessions.list({ companyId: 'acme' })).filter((s) => s.title === 'Moved along');
    expect(sessions.map((s) => [s.state, s.startsAt])).toEqual([['scheduled', moved.start.toISOString()]]);
  });

  it('a commit the database gave up to break a deadlock is decided again, not lost', async () => {
    // Commit 1 stores the raw mail; commit 2, the message's changes, fails once.
    const flaky = receiver(t.store.db, async () => undefined, new DeadlockOnce(t.store.db, 2));
    const spec: InviteSpec = { uid: `deadlock-${dialect}`, start: inDays(2), organizer: 'ada@acme.example', link: 'https://meet.google.com/dea-dloc-kkk', summary: 'Deadlocked' };
    const result = await deliver(flaky, spec, false);
    expect(result).toMatchObject({ status: 'processed', events: [{ result: 'applied' }] });
    const sessions = (await t.sessions.list({ companyId: 'acme' })).filter((s) => s.title === 'Deadlocked');
    expect(sessions.map((s) => s.state)).toEqual(['scheduled']);
  });
});
