import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { startSink, type Sink } from '../intake/mail.js';

/** `quorum serve` with a relay: the requester of a recording hears how it ended, through the relay. */
describe('outcome mail from a running Quorum', () => {
  let quorum: Quorum;
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
    // Plans only (no bot): the session is stopped before its meeting.
    quorum = await startTestQuorum({ QUORUM_SMTP_RELAY_URL: sink.url, QUORUM_CONCURRENCY: 0, QUORUM_PUBLIC_URL: 'https://quorum.acme.example' });
    await quorum.companies.put({ id: 'default', name: 'Acme', assistantAddress: 'assistant@acme.example', settings: defaultCompanySettings({ adminEmail: 'ana@acme.example' }) });
  });
  afterAll(async () => {
    await quorum?.close();
    await sink?.close();
  });

  it('tells the requester their meeting was not recorded because an operator stopped it, with the reason', async () => {
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const request = { meetingUrl: 'https://meet.google.com/out-come-mai', startsAt, title: 'Quarterly plan', requesterEmail: 'ana@acme.example' };
    const { status, body } = await api<{ session: Session }>(quorum, "POST", "/v1/companies/default/recording-requests", request);
    expect(status, JSON.stringify(body)).toBe(201);
    expect((await api(quorum, 'POST', `/v1/sessions/${body.session.id}/stop`, { reason: 'the meeting moved to another room' })).status).toBe(202);
    const end = Date.now() + 30_000;
    while (sink.mails.length === 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 200));
    const [mail] = sink.mails;
    expect(mail?.subject).toBe('Not recorded: Quarterly plan');
    expect(mail?.from?.text).toContain('assistant@acme.example');
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toContain('ana@acme.example');
    expect(mail?.text).toContain('Details: the meeting moved to another room');
    expect(mail?.text).toContain(`https://quorum.acme.example/console/#/sessions/${body.session.id}`);
  }, 45_000);
});
