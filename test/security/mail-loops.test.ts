import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCompanySettings } from '../../src/eligibility/settings.js';
import { tableResolver } from '../../src/intake/dns.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { MAX_REFUSED_RECIPIENTS, readMessage, startSmtpServer } from '../../src/intake/smtp-server.js';
import { startQuorum, type Quorum } from '../../src/main.js';
import { until } from '../helpers/net.js';
import { api, testConfig } from '../helpers/quorum.js';
import { inviteMail, sendSmtp, startSink, type Sink } from '../intake/mail.js';

const ASSISTANT = 'assistant@acme.example';
const acmeKey = createDkimKey('acme.example');
const DAY = 86_400_000;

/** An SMTP client speaking line by line: nodemailer cannot send the null reverse path (`MAIL FROM:<>`) of a bounce. */
class RawSmtp {
  private buffered = '';
  private waiting: ((line: string) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      this.buffered += data;
      this.flush();
    });
  }

  static open(port: number): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawSmtp(socket)));
      socket.once('error', reject);
    });
  }

  private flush(): void {
    // A reply ends with a line whose code is followed by a space (multi-line replies use `250-`).
    const match = /(?:^|\r\n)(\d{3} [^\r\n]*)\r\n/.exec(this.buffered);
    if (!match || !this.waiting) return;
    const resolve = this.waiting;
    this.waiting = undefined;
    this.buffered = this.buffered.slice((match.index ?? 0) + match[0].length);
    resolve(match[1] ?? '');
  }

  reply(): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.flush();
    });
  }

  async say(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}

async function sendBounce(port: number, raw: Buffer): Promise<string> {
  const smtp = await RawSmtp.open(port);
  await smtp.reply();
  await smtp.say('EHLO mx.acme.example');
  expect(await smtp.say('MAIL FROM:<>')).toMatch(/^250/);
  expect(await smtp.say(`RCPT TO:<${ASSISTANT}>`)).toMatch(/^250/);
  expect(await smtp.say('DATA')).toMatch(/^354/);
  const body = raw.toString('utf8').replace(/^\./gm, '..');
  const answer = await smtp.say(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.`);
  smtp.close();
  return answer;
}

let quorum: Quorum;
let sink: Sink;
let port: number;
let counter = 0;

/** An invite signed for acme.example (its sender passes DMARC), with `headers` above its own. */
async function invite(from: string, headers: string[] = []): Promise<{ raw: Buffer; summary: string }> {
  counter += 1;
  const summary = `Loop check ${counter}`;
  const start = new Date(Math.floor((Date.now() + 2 * DAY) / 60_000) * 60_000);
  const raw = inviteMail({ uid: `loop-${counter}`, start, organizer: 'ada@acme.example', link: `https://meet.google.com/loo-pchk-${String(counter).padStart(3, '0')}`, summary }, { from, to: ASSISTANT });
  return { raw: await signMessage([...headers, raw].join('\r\n'), acmeKey), summary };
}

const repliesAbout = (summary: string) => sink.mails.filter((mail) => (mail.subject ?? '').includes(summary));

beforeAll(async () => {
  sink = await startSink();
  quorum = await startQuorum(testConfig({ QUORUM_SMTP_RELAY_URL: sink.url }), { dnsResolver: tableResolver(acmeKey.dns) });
  await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: ASSISTANT, settings: { ...defaultCompanySettings({ adminEmail: 'ada@acme.example' }), emailDomains: ['acme.example'] } });
  port = quorum.intake.smtp?.port ?? 0;
});

afterAll(async () => {
  await quorum?.close();
  await sink?.close();
});

describe('mail that must never be answered (RFC 3834), so no reply loop starts', () => {
  it('answers an ordinary signed invite (the control: replies do go out here)', async () => {
    const { raw, summary } = await invite('ada@acme.example');
    expect(await sendSmtp(port, { from: 'ada@acme.example', to: [ASSISTANT] }, raw)).toMatch(/^250/);
    await until('the reply', () => Promise.resolve(repliesAbout(summary)[0]), 20_000);
  });

  it('does not answer a message with a null reverse path (a bounce), though its From is a colleague', async () => {
    const { raw, summary } = await invite('ada@acme.example');
    expect(await sendBounce(port, raw)).toMatch(/^250/);
    await quorum.intake.inbound.drain();
    // Run again by an operator, it still is a bounce.
    const [stored] = await quorum.intake.meetings.messages(1);
    expect((await api(quorum, 'POST', `/v1/inbound/messages/${stored?.id ?? ''}/reprocess`)).status).toBeLessThan(500);
    await quorum.intake.inbound.drain();
    expect(repliesAbout(summary)).toEqual([]);
  });

  it.each([
    ['a mail-system sender', 'MAILER-DAEMON@acme.example', []],
    ['a list robot', 'team-request@acme.example', []],
    ['bulk mail', 'ada@acme.example', ['Precedence: bulk']],
    ['a bounce relayed with Return-Path: <>', 'ada@acme.example', ['Return-Path: <>']],
  ])('does not answer %s', async (_name, from, headers) => {
    const { raw, summary } = await invite(from, headers);
    expect(await sendSmtp(port, { from: 'ada@acme.example', to: [ASSISTANT] }, raw)).toMatch(/^250/);
    await quorum.intake.inbound.drain();
    expect(repliesAbout(summary)).toEqual([]);
  });
});

describe('SMTP resources a peer can take', () => {
  it('closes a connection that tries too many unknown recipients (address harvesting)', async () => {
    const smtp = await RawSmtp.open(port);
    await smtp.reply();
    await smtp.say('EHLO mx.harvest.example');
    expect(await smtp.say('MAIL FROM:<probe@harvest.example>')).toMatch(/^250/);
    for (let n = 0; n < MAX_REFUSED_RECIPIENTS; n += 1) expect(await smtp.say(`RCPT TO:<guess${n}@acme.example>`)).toMatch(/^550/);
    // The known address is no longer accepted either: the connection is done.
    expect(await smtp.say(`RCPT TO:<${ASSISTANT}>`)).toMatch(/^421/);
    smtp.close();
    // Another connection is served as usual.
    const next = await RawSmtp.open(port);
    await next.reply();
    await next.say('EHLO mx.acme.example');
    expect(await next.say('MAIL FROM:<ada@acme.example>')).toMatch(/^250/);
    expect(await next.say(`RCPT TO:<${ASSISTANT}>`)).toMatch(/^250/);
    next.close();
  });

  it('reads an oversized message to its end and keeps none of it (it held the whole of any size in memory)', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 'x');
    let produced = 0;
    const endless = Readable.from((function* () {
      for (; produced < 64; produced += 1) yield megabyte;
    })());
    expect(await readMessage(endless, 20_000)).toBeUndefined();
    // The whole stream was read (the peer gets its 552 after its last byte), none of it kept.
    expect(produced).toBe(64);
    expect(await readMessage(Readable.from([Buffer.from('small'), Buffer.from(' message')]), 20_000)).toEqual(Buffer.from('small message'));
  });

  it('refuses connections past its limit with 421, and serves again once they close', async () => {
    const smtp = await startSmtpServer(quorum.intake.inbound, { host: '127.0.0.1', port: 0, maxBytes: 20_000, maxClients: 3, log: pino({ level: 'silent' }) });
    const open: RawSmtp[] = [];
    try {
      for (let i = 0; i < 3; i += 1) {
        const client = await RawSmtp.open(smtp.port);
        expect(await client.reply()).toMatch(/^220/);
        open.push(client);
      }
      const extra = await RawSmtp.open(smtp.port);
      expect(await extra.reply()).toMatch(/^421/);
      extra.close();
      open.pop()?.close();
      const again = await until('a free slot', async () => {
        const client = await RawSmtp.open(smtp.port);
        const greeting = await client.reply();
        if (greeting.startsWith('220')) return client;
        client.close();
        return undefined;
      }, 10_000);
      open.push(again);
    } finally {
      for (const client of open) client.close();
      await smtp.close();
    }
  });
});
