import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeTables, tableResolver } from '../../src/intake/dns.js';
import type { DnsResolver } from '../../src/intake/dns.js';
import { createDkimKey, signMessage } from '../../src/intake/mail-auth.js';
import { inlineReader, ParsePool } from '../../src/intake/parse-pool.js';
import { inviteMail } from './mail.js';

/** The pool's threads run the TypeScript sources here (built Quorum runs dist/…/parse-worker.js). */
const loader = new URL('./ts-loader.mjs', import.meta.url).href;
const execArgv = ['--import', `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(loader)});`];
const script = new URL('../../src/intake/parse-worker.ts', import.meta.url);

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/invites/', import.meta.url));
const corpus = readdirSync(CORPUS).filter((name) => name.endsWith('.eml'));

const key = createDkimKey('acme.example');
const other = createDkimKey('acme.example');
// An SPF record that fails loopback, so only DKIM can pass: the DNS answers (and a missing name's error) cross threads.
const table = tableResolver(mergeTables(key.dns, { txt: { 'acme.example': ['v=spf1 ip4:192.0.2.1 -all'] } }));
const asked: string[] = [];
const resolver: DnsResolver = (name, rrtype) => {
  asked.push(`${rrtype} ${name}`);
  return table(name, rrtype);
};
const pool = new ParsePool(script, { size: 1, resolver, dnsCacheMs: 60_000, log: pino({ level: 'silent' }), execArgv });
const inline = inlineReader(resolver);

afterAll(() => pool.close());

describe('the intake parse pool', () => {
  it('reads every corpus e-mail exactly as the main thread does', async () => {
    const options = { horizonDays: 180, now: new Date('2026-03-01T12:00:00Z') };
    const envelope = { remoteIp: '127.0.0.1', helo: 'mail.example.com' };
    expect(corpus.length).toBeGreaterThan(5);
    const results = await Promise.all(
      corpus.map(async (name) => {
        const raw = readFileSync(`${CORPUS}${name}`);
        return { name, pooled: await pool.read(raw, options, envelope), local: await inline.read(raw, options, envelope) };
      }),
    );
    for (const { name, pooled, local } of results) expect(pooled, name).toEqual(local);
    expect(results.some(({ pooled }) => 'calendars' in pooled.parsed)).toBe(true);
  });

  it('authenticates senders with the main thread resolver: a signed mail passes, one signed with another key fails', async () => {
    const envelope = { remoteIp: '127.0.0.1', helo: 'mail.acme.example', mailFrom: 'ada@acme.example' };
    const mail = inviteMail({ uid: 'pool-1', start: new Date('2026-03-02T15:00:00Z'), organizer: 'ada@acme.example', link: 'https://meet.google.com/abc-defg-hij' }, { from: 'ada@acme.example', to: 'assistant@acme.example' });
    const signed = await signMessage(mail, key);
    const spoofed = await signMessage(mail, other);
    const options = { horizonDays: 30, now: new Date('2026-03-01T12:00:00Z') };
    const [good, bad] = await Promise.all([pool.read(signed, options, envelope), pool.read(spoofed, options, envelope)]);
    expect(good.auth).toMatchObject({ authenticated: true, dmarc: 'pass' });
    expect(good).toEqual(await inline.read(signed, options, envelope));
    expect(bad.auth).toMatchObject({ authenticated: false, dmarc: 'fail' });
    expect(bad).toEqual(await inline.read(spoofed, options, envelope));
  });

  it('keeps DNS answers in the thread: ten messages from one domain ask the main thread once per record', async () => {
    const envelope = { remoteIp: '127.0.0.1', helo: 'mail.acme.example', mailFrom: 'ada@acme.example' };
    const options = { horizonDays: 30, now: new Date('2026-03-01T12:00:00Z') };
    const mails = await Promise.all(
      Array.from({ length: 10 }, (_, n) => signMessage(inviteMail({ uid: `dns-${n}`, start: new Date('2026-03-02T15:00:00Z'), organizer: 'ada@acme.example', link: 'https://meet.google.com/abc-defg-hij' }, { from: 'ada@acme.example', to: 'assistant@acme.example' }), key)),
    );
    const before = asked.length;
    const reads = await Promise.all(mails.map((mail) => pool.read(mail, options, envelope)));
    expect(reads.every((read) => 'authenticated' in read.auth && read.auth.authenticated)).toBe(true);
    // SPF, the DKIM key and DMARC: at most once each (the earlier tests may have asked already).
    const questions = asked.slice(before);
    expect(questions.length).toBeLessThanOrEqual(3);
    expect(new Set(questions).size).toBe(questions.length);
  });
});

describe('a message the pool cannot read in time', () => {
  const slowPool = new ParsePool(new URL('./stuck-worker.ts', import.meta.url), { size: 1, resolver, dnsCacheMs: 0, log: pino({ level: 'silent' }), execArgv, timeoutMs: 3_000 });
  afterAll(() => slowPool.close());

  it('fails alone: its thread is replaced and the mail queued behind it is read by the new one', async () => {
    const options = { horizonDays: 30, now: new Date('2026-03-01T12:00:00Z') };
    const envelope = { remoteIp: '127.0.0.1', helo: 'mail.acme.example', mailFrom: 'ada@acme.example' };
    const invite = (uid: string) => inviteMail({ uid, start: new Date('2026-03-02T15:00:00Z'), organizer: 'ada@acme.example', link: 'https://meet.google.com/abc-defg-hij' }, { from: 'ada@acme.example', to: 'assistant@acme.example' });
    // One thread: the good mail waits behind the stuck one, which never lets it be read there.
    const stuckRead = slowPool.read(Buffer.from(`${invite('stuck')}\r\nSTUCK-FOREVER\r\n`), options, envelope);
    const goodRead = slowPool.read(await signMessage(invite('good'), key), options, envelope);
    await expect(stuckRead).rejects.toThrow(/took longer than 3 s/);
    const read = await goodRead;
    expect(read.auth).toMatchObject({ authenticated: true, dmarc: 'pass' });
    expect('calendars' in read.parsed).toBe(true);
  });
});

describe('a thread slow to start', () => {
  const slowStart = new ParsePool(new URL('./slow-start-worker.ts', import.meta.url), { size: 1, resolver, dnsCacheMs: 0, log: pino({ level: 'silent' }), execArgv, timeoutMs: 1_000 });
  afterAll(() => slowStart.close());

  it('reads the mail handed to it: the deadline runs from when the thread can read', async () => {
    const options = { horizonDays: 30, now: new Date('2026-03-01T12:00:00Z') };
    const envelope = { remoteIp: '127.0.0.1', helo: 'mail.acme.example', mailFrom: 'ada@acme.example' };
    const mail = await signMessage(inviteMail({ uid: 'slow-start', start: new Date('2026-03-02T15:00:00Z'), organizer: 'ada@acme.example', link: 'https://meet.google.com/abc-defg-hij' }, { from: 'ada@acme.example', to: 'assistant@acme.example' }), key);
    const read = await slowStart.read(mail, options, envelope);
    expect(read.auth).toMatchObject({ authenticated: true, dmarc: 'pass' });
  });
});
