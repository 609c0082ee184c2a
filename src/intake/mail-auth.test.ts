import { afterEach, describe, expect, it, vi } from 'vitest';
import { tableResolver } from './dns.js';
import { authenticateSender, createDkimKey, signMessage } from './mail-auth.js';

const key = createDkimKey('acme.example');
const mail = ['From: Ada <ada@acme.example>', 'To: assistant@acme.example', 'Subject: Planning', 'Date: Sun, 29 Nov 2026 06:52:16 GMT', '', 'Hello.', ''].join('\r\n');
const envelope = { remoteIp: '127.0.0.1', helo: 'mail.acme.example', mailFrom: 'ada@acme.example' };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('signing test and demo mail', () => {
  it('verifies even when the clock reaches the next second while signing', async () => {
    // Every read of the clock is a second after the one before: a signer reading it twice writes another t= than it signed.
    let now = Date.parse('2026-11-29T06:52:16.300Z');
    vi.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
    const signed = await signMessage(mail, key);
    vi.restoreAllMocks();
    expect((await authenticateSender(signed, envelope, tableResolver(key.dns))).summary).toMatch(/^DMARC pass.*DKIM pass/);
  });

  it('fails a signature made with another key for the domain', async () => {
    const signed = await signMessage(mail, createDkimKey('acme.example'));
    const auth = await authenticateSender(signed, envelope, tableResolver(key.dns));
    expect(auth).toMatchObject({ authenticated: false, dmarc: 'fail' });
  });
});
