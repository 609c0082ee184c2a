import { afterEach, describe, expect, it, vi } from 'vitest';
import { tableResolver } from './dns.js';
import { aligned, authenticateSender, createDkimKey, signMessage } from './mail-auth.js';

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

describe('alignment with the From domain', () => {
  it('takes the organizational domain under the public suffix list, not the last two labels', () => {
    expect(aligned('mail.acme.example', 'acme.example')).toBe(true);
    expect(aligned('mail.acme.co.uk', 'ACME.co.uk')).toBe(true);
    expect(aligned('evil.co.uk', 'acme.co.uk')).toBe(false);
    expect(aligned('evil.com.au', 'acme.com.au')).toBe(false);
    expect(aligned('localhost', 'localhost')).toBe(true);
  });

  it('does not let a signature by another company under the same suffix vouch for a From without DMARC', async () => {
    const evil = createDkimKey('evil.co.uk');
    const spoofed = mail.replace('ada@acme.example', 'ceo@acme.co.uk').replace('assistant@acme.example', 'assistant@acme.co.uk');
    const signed = await signMessage(spoofed, evil);
    const auth = await authenticateSender(signed, { remoteIp: '127.0.0.1', helo: 'mail.evil.co.uk', mailFrom: 'ceo@acme.co.uk' }, tableResolver(evil.dns));
    expect(auth.summary).toContain('DKIM pass (evil.co.uk)');
    expect(auth).toMatchObject({ authenticated: false, dmarc: 'none', fromDomain: 'acme.co.uk' });
  });
});
