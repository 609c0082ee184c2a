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

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'quorum-smtp-tls-'));
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
});
