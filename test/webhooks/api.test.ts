import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startQuorum, type Quorum } from '../../src/main.js';
import type { SessionState } from '../../src/sessions/states.js';
import type { EndpointStatus, StateChangedData } from '../../src/webhooks/index.js';
import { companyDoc, companyToken, createCompany } from '../api/tenancy-fixtures.js';
import { api, testConfig } from '../helpers/quorum.js';
import { newSessionInput } from '../helpers/store.js';
import { eventually, fastTimings, Receiver } from './receiver.js';

const secret = 'whsec_0123456789abcdef';

/** Quorum as `quorum serve` runs it (the dispatcher started by src/main.ts), with test pacing. */
const started: Quorum[] = [];
const receivers: Receiver[] = [];
async function serve(dataDir?: string): Promise<Quorum> {
  const quorum = await startQuorum(testConfig({ QUORUM_WEBHOOK_INTERNAL_TARGETS: true, ...(dataDir ? { QUORUM_DATA_DIR: dataDir } : {}) }), { webhooks: fastTimings });
  started.push(quorum);
  return quorum;
}
async function listening(): Promise<Receiver> {
  const receiver = await Receiver.listening();
  receivers.push(receiver);
  return receiver;
}

/** A session of `acme` driven through `states` straight in the session store, as the scheduler and bot would. */
async function drive(quorum: Quorum, states: Array<[SessionState, string]>, meetingUrl = 'https://meet.google.com/abc-defg-hij'): Promise<string> {
  const session = await quorum.sessions.create(newSessionInput({ companyId: 'acme', meetingUrl, startsAt: new Date(Date.now() + 3_600_000) }));
  for (const [to, code] of states) await quorum.sessions.transition(session.id, to, { code, ...(to === 'failed' || to === 'done' ? { endCode: to === 'done' ? 'meeting_ended' : 'admission_denied' } : {}) });
  return session.id;
}
const denied: Array<[SessionState, string]> = [
  ['dispatching', 'dispatched'],
  ['joining', 'joining'],
  ['failed', 'admission_denied'],
];

const statusOf = async (quorum: Quorum, token?: string) => api<{ endpoints: EndpointStatus[] }>(quorum, 'GET', '/v1/companies/acme/webhooks', undefined, token);

afterEach(async () => {
  await Promise.all(started.splice(0).map((quorum) => quorum.close()));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.stop()));
});

describe('the webhooks setting', () => {
  it('refuses a URL that is not http(s), a short secret, an unknown event type and a URL listed twice, naming each', async () => {
    const quorum = await serve();
    await createCompany(quorum, 'acme', 'Acme');
    const refused = async (webhooks: unknown) => {
      const answer = await api<{ error: string; message: string }>(quorum, 'PATCH', '/v1/companies/acme', { webhooks });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_settings');
      return answer.body.message;
    };
    expect(await refused([{ url: 'ftp://hooks.acme.example/q', secret }])).toBe('webhooks["0"].url: an http:// or https:// URL');
    expect(await refused([{ url: 'not a url', secret }])).toBe('webhooks["0"].url: an http:// or https:// URL');
    expect(await refused([{ url: 'https://user:pw@hooks.acme.example/q', secret }])).toContain('webhooks["0"].url: no user name or password in the URL');
    expect(await refused([{ url: 'https://hooks.acme.example/q', secret: 'short' }])).toContain('webhooks["0"].secret: at least 16 characters');
    expect(await refused([{ url: 'https://hooks.acme.example/q' }])).toContain('webhooks["0"].secret');
    expect(await refused([{ url: 'https://hooks.acme.example/q', secret, events: ['session.deleted'] }])).toContain('webhooks["0"].events["0"]: Invalid option: expected one of "session.state_changed"|"session.ended"');
    expect(await refused([{ url: 'https://hooks.acme.example/q', secret, secrett: 'x' }])).toBe('webhooks["0"].secrett: not a setting Quorum knows (misspelled?)');
    expect(await refused([{ url: 'https://hooks.acme.example/q', secret }, { url: 'https://hooks.acme.example/q', secret, events: ['session.ended'] }])).toContain('webhooks["1"].url: https://hooks.acme.example/q is already listed');
    expect(await refused({ url: 'https://hooks.acme.example/q', secret })).toContain('webhooks: ');
    const saved = await api(quorum, 'PATCH', '/v1/companies/acme', { webhooks: [{ url: 'https://hooks.acme.example/q', secret, events: ['session.ended'] }] });
    expect(saved.status).toBe(200);
  });

  it('never shows the secret, keeps it when the masked document is sent back, and stores it sealed', async () => {
    const quorum = await serve();
    await api(quorum, 'POST', '/v1/companies', { ...companyDoc('acme', 'Acme'), webhooks: [{ url: 'https://hooks.acme.example/a', secret }] });
    const shown = await api<{ company: Record<string, unknown> }>(quorum, 'GET', '/v1/companies/acme');
    expect(JSON.stringify(shown.body)).not.toContain(secret);
    expect(shown.body.company.webhooks).toEqual([{ url: 'https://hooks.acme.example/a', secret: '••••••' }]);
    // The document sent back as shown, with a second endpoint put before the first: each keeps its own secret.
    const other = 'whsec_another_one_0000';
    const webhooks = [{ url: 'https://hooks.acme.example/b', secret: other }, ...(shown.body.company.webhooks as unknown[])];
    expect((await api(quorum, 'PUT', '/v1/companies/acme', { ...shown.body.company, webhooks })).status).toBe(200);
    const stored = await quorum.companies.get('acme');
    expect(stored?.settings.webhooks).toEqual([{ url: 'https://hooks.acme.example/b', secret: other }, { url: 'https://hooks.acme.example/a', secret }]);
    const row = await quorum.store.db.selectFrom('companies').select('settings').where('id', '=', 'acme').executeTakeFirstOrThrow();
    expect(row.settings).not.toContain(secret);
    const status = await statusOf(quorum);
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body)).not.toContain(secret);
    expect(JSON.stringify(status.body)).not.toContain(other);
  });
});

describe('GET /v1/companies/:companyId/webhooks', () => {
  it('shows a failing endpoint (status, error, failures in a row, next try) and then its recovery', async () => {
    const quorum = await serve();
    const hooks = await listening();
    hooks.answer = () => 503;
    await createCompany(quorum, 'acme', 'Acme');
    await createCompany(quorum, 'bravo', 'Bravo');
    await api(quorum, 'PATCH', '/v1/companies/acme', { webhooks: [{ url: hooks.url, secret }] });
    await drive(quorum, denied);
    await eventually('three failed tries', () => hooks.requests.length >= 3);
    const failing = (await statusOf(quorum)).body.endpoints[0];
    expect(failing).toMatchObject({ url: hooks.url, events: ['session.state_changed', 'session.ended'], status: 'failing', lastDeliveredEventId: null, lastFailure: { status: 503, error: 'HTTP 503', eventId: hooks.requests[0]?.event.id } });
    expect(failing?.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(Date.parse(failing?.nextAttemptAt ?? '')).toBeGreaterThan(Date.parse(failing?.lastFailure?.at ?? ''));
    // Same tenancy rules as every company route: its own token reads it, another company's does not.
    expect((await statusOf(quorum, (await companyToken(quorum, 'acme')).token)).status).toBe(200);
    expect((await statusOf(quorum, (await companyToken(quorum, 'bravo')).token)).status).toBe(403);
    expect((await api(quorum, 'GET', '/v1/companies/nobody/webhooks')).status).toBe(404);

    hooks.answer = () => 204;
    await eventually('every event taken', () => hooks.accepted.length === 5);
    expect(new Set(hooks.requests.map((r) => r.event.id)).size).toBe(5);
    await eventually('the last delivery stored', async () => (await statusOf(quorum)).body.endpoints[0]?.lastDeliveredEventId === hooks.accepted.at(-1)?.event.id);
    const recovered = (await statusOf(quorum)).body.endpoints[0];
    expect(recovered).toMatchObject({ status: 'ok', consecutiveFailures: 0, nextAttemptAt: null, lastDeliveredEventId: hooks.accepted.at(-1)?.event.id, lastFailure: { status: 503 } });
  });
});

describe('an endpoint that is down', () => {
  it('gets everything once it is back, across a Quorum restart on the same data directory, then what follows', async () => {
    const hooks = await Receiver.down();
    receivers.push(hooks);
    const dataDir = mkdtempSync(join(tmpdir(), 'quorum-webhooks-'));
    const first = await serve(dataDir);
    await createCompany(first, 'acme', 'Acme');
    await api(first, 'PATCH', '/v1/companies/acme', { webhooks: [{ url: hooks.url, secret }] });
    const before = await drive(first, denied);
    await eventually('a failed try', async () => (await statusOf(first)).body.endpoints[0]?.lastFailure !== null);
    expect((await statusOf(first)).body.endpoints[0]?.lastFailure?.error).toContain('ECONNREFUSED');
    await first.close();

    await hooks.start();
    const second = await serve(dataDir);
    await eventually('the five events of the first session', () => hooks.requests.length === 5);
    const after = await drive(second, [['cancelled', 'stopped']], 'https://meet.google.com/xyz-abcd-efg');
    await eventually('and the three of the second', () => hooks.requests.length === 8);
    expect(hooks.allSigned(secret)).toBe(true);
    expect(hooks.requests.map((r) => [r.event.type, (r.event.data as StateChangedData).session.id, (r.event.data as StateChangedData).to])).toEqual([
      ['session.state_changed', before, 'scheduled'],
      ['session.state_changed', before, 'dispatching'],
      ['session.state_changed', before, 'joining'],
      ['session.state_changed', before, 'failed'],
      ['session.ended', before, 'failed'],
      ['session.state_changed', after, 'scheduled'],
      ['session.state_changed', after, 'cancelled'],
      ['session.ended', after, 'cancelled'],
    ]);
    await eventually('the last delivery stored', async () => (await statusOf(second)).body.endpoints[0]?.lastDeliveredEventId === hooks.requests[7]?.event.id);
    expect((await statusOf(second)).body.endpoints[0]).toMatchObject({ status: 'ok', consecutiveFailures: 0, nextAttemptAt: null });
  });
});
