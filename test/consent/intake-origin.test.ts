import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme } from '../../src/eligibility/test-fixtures.js';
import { tableResolver } from '../../src/intake/dns.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { testConfig } from '../helpers/quorum.js';
import { inviteMail } from '../intake/mail.js';
import { createLink } from './helpers.js';

const key = createDkimKey('acme.example');
const room = 'https://meet.google.com/eve-orig-inx';
const DAY = 86_400_000;

/**
 * A default install (no QUORUM_PUBLIC_URL): the API issues a consent link on the address it was called on, and
 * an invite carrying that link, by e-mail, must be known as this installation's link, under any name of the machine.
 */
describe('consent links in invites without QUORUM_PUBLIC_URL', () => {
  let quorum: Quorum;
  let link: string;
  beforeAll(async () => {
    quorum = await startQuorum(testConfig(), { dnsResolver: tableResolver(key.dns) });
    const { id, name, assistantAddress, ...settings } = acme();
    await quorum.companies.put({ id, name, assistantAddress, settings });
    link = (await createLink(quorum, { user: 'eve@acme.example', conferenceUrl: room }, 'acme')).url;
  });
  afterAll(async () => {
    await quorum?.close();
  });

  /** Eve, whose consent profile enforces static consent links, invites the assistant with `url` as the meeting link. */
  async function invite(uid: string, url: string) {
    const mail = inviteMail({ uid, start: new Date(Date.now() + 2 * DAY), organizer: 'eve@acme.example', link: url, summary: 'Consent first' }, { from: 'eve@acme.example', to: assistant() });
    const raw = await signMessage(mail, key);
    const result = await quorum.intake.inbound.receive({ transport: 'http', raw, envelope: { recipients: [assistant()], remoteIp: '127.0.0.1', mailFrom: 'eve@acme.example' } });
    return result.events[0]?.occurrences[0];
  }
  const assistant = () => acme().assistantAddress;

  it('plans the meeting behind the link the API issued, and behind the same link under the name localhost', async () => {
    expect(link).toBe(`${quorum.url}/c/${link.split('/c/')[1]}`);
    const issued = await invite('origin-1', link);
    expect(issued).toMatchObject({ status: 'planned', provider: 'meet' });
    expect((await quorum.sessions.get(issued?.sessionId ?? ''))?.meetingUrl).toBe(room);
    const port = new URL(quorum.url).port;
    const byName = await invite('origin-2', link.replace(`127.0.0.1:${port}`, `localhost:${port}`));
    expect(byName).toMatchObject({ status: 'planned', provider: 'meet' });
  });

  it('does not take a /c/ link on some other host for one of ours', async () => {
    const elsewhere = await invite('origin-3', link.replace(quorum.url, 'https://consent.example.org'));
    expect(elsewhere?.status).toBe('rejected');
    expect(elsewhere?.decision?.reasons.map((r) => r.code)).toContain('consent_link_required');
  });
});
