import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableResolver } from '../../src/intake/dns.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { testConfig } from '../helpers/quorum.js';
import { sendSmtp } from './mail.js';

let quorum: Quorum;
const dir = mkdtempSync(join(tmpdir(), 'quorum-smtp-tls-'));

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
  writeFileSync(join(dir, 'cert.pem'), pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.private);
  quorum = await startQuorum(
    testConfig({ QUORUM_SMTP_MAX_BYTES: 20_000, QUORUM_SMTP_TLS_CERT: join(dir, 'cert.pem'), QUORUM_SMTP_TLS_KEY: join(dir, 'key.pem') }),
    { dnsResolver: tableResolver({}) },
  );
});

afterAll(async () => {
  await quorum?.close();
});

describe('SMTP limits and STARTTLS', () => {
  it('offers STARTTLS with a configured certificate and refuses mail over the size limit with 552', async () => {
    const port = quorum.intake.smtp?.port ?? 0;
    const small = 'From: <ada@quorum.local>\r\nTo: <assistant@quorum.local>\r\nSubject: hello\r\n\r\nno calendar here\r\n';
    // requireTLS fails unless the server offers STARTTLS and the upgrade succeeds.
    expect(await sendSmtp(port, { from: 'ada@quorum.local', to: ['assistant@quorum.local'] }, small, { requireTLS: true })).toMatch(/^250/);
    const big = small + 'x'.repeat(40_000) + '\r\n';
    await expect(sendSmtp(port, { from: 'ada@quorum.local', to: ['assistant@quorum.local'] }, big, { requireTLS: true })).rejects.toThrow(/552/);
    const [latest] = await quorum.intake.meetings.messages(5);
    expect(latest?.error).toMatch(/^no_calendar_in_email/);
  });

  it('refuses to start when a STARTTLS file cannot be read or is no PEM pair, naming the setting and the path', async () => {
    const [cert, key, missing] = [join(dir, 'cert.pem'), join(dir, 'key.pem'), join(dir, 'missing.pem')];
    const start = (files: Record<string, string>) => startQuorum(testConfig(files), { dnsResolver: tableResolver({}) });
    await expect(start({ QUORUM_SMTP_TLS_CERT: missing, QUORUM_SMTP_TLS_KEY: key })).rejects.toThrow(`QUORUM_SMTP_TLS_CERT: cannot read ${missing} (no such file)`);
    await expect(start({ QUORUM_SMTP_TLS_CERT: cert, QUORUM_SMTP_TLS_KEY: missing })).rejects.toThrow(`QUORUM_SMTP_TLS_KEY: cannot read ${missing} (no such file)`);
    await expect(start({ QUORUM_SMTP_TLS_CERT: cert, QUORUM_SMTP_TLS_KEY: dir })).rejects.toThrow(`QUORUM_SMTP_TLS_KEY: cannot read ${dir} (a directory)`);
    // The certificate given as the key too: the pair is refused at start, not at the first STARTTLS.
    await expect(start({ QUORUM_SMTP_TLS_CERT: cert, QUORUM_SMTP_TLS_KEY: cert })).rejects.toThrow(`QUORUM_SMTP_TLS_CERT, QUORUM_SMTP_TLS_KEY: ${cert} and ${cert} are not a PEM certificate and its private key`);
  });
});
