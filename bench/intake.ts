import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import ICAL from 'ical.js';
import { loadConfig } from '../src/config.js';
import { defaultCompanySettings } from '../src/eligibility/settings.js';
import { tableResolver } from '../src/intake/dns.js';
import { parseInviteEmail } from '../src/intake/email.js';
import { authenticateSender, createDkimKey } from '../src/intake/mail-auth.js';
import type { DnsResolver } from '../src/intake/dns.js';
import { startQuorum, type Quorum, type StartOptions } from '../src/main.js';
import type { SenderJob, SenderResult } from './smtp-sender.js';
import { threadCpuMs } from './thread-cpu.js';
import { benchAssistant, benchCalendar, benchDomain, benchMail, benchRequester } from './invites.js';

/**
 * Invites per second end to end (SMTP → store raw → parse → DKIM/SPF/DMARC → eligibility → session
 * scheduled, acknowledged with 250) beside the bare ical.js parse rate of the same calendars, measured
 * in the same process, round after round, so the two figures share the machine's state.
 */
const invitesPerRound = 400;
const rounds = 5;
/** Enough connections that no message waits for another's commit: with 8 the run measured latency, not capacity. */
const senders = Number(process.env.BENCH_SENDERS ?? 32);

export interface IntakeFigures {
  parsePerSecond: number[];
  /** ical.js parse plus what it takes to know when the meeting starts: the VTIMEZONE applied to DTSTART. */
  zonedParsePerSecond: number[];
  /** The two library-bound halves of reading one message, each alone on one thread: what bounds the rest. */
  mailParsePerSecond: number[];
  senderCheckPerSecond: number[];
  endToEndPerSecond: number[];
  /**
   * End to end again, the same invites in the same round, to a second Quorum whose parse thread starts every
   * message it is handed at once (ReadQueue's width unbounded): what reading two at a time is measured against.
   */
  allAtOncePerSecond: number[];
  /** CPU time per invite during the SMTP phase: Quorum's main thread, and its other threads (parse, V8's collector and compiler). */
  mainCpuMs: number[];
  otherCpuMs: number[];
  invitesPerRound: number;
  senders: number;
}

/** The least any consumer of ical.js does: parse, find the event, read its uid, summary and start as written. */
function bareParse(calendars: string[]): number {
  const started = performance.now();
  for (const text of calendars) {
    const root = new ICAL.Component(ICAL.parse(text));
    for (const vevent of root.getAllSubcomponents('vevent')) {
      const event = new ICAL.Event(vevent);
      if (!event.uid || !event.summary || !event.startDate.toString()) throw new Error('bad bench invite');
    }
  }
  return calendars.length / ((performance.now() - started) / 1000);
}

function zonedParse(calendars: string[]): number {
  const started = performance.now();
  for (const text of calendars) {
    const root = new ICAL.Component(ICAL.parse(text));
    for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    for (const vevent of root.getAllSubcomponents('vevent')) {
      const event = new ICAL.Event(vevent);
      if (Number.isNaN(event.startDate.toJSDate().getTime())) throw new Error('bad bench invite');
    }
  }
  return calendars.length / ((performance.now() - started) / 1000);
}

const horizon = { horizonDays: 30, maxBytes: 10 * 1024 * 1024 };

/** MIME parse of the mail, its calendar read with zones, links found: `parseInviteEmail`, as the parse thread runs it. */
async function mailParse(mails: Buffer[]): Promise<number> {
  const started = performance.now();
  for (const mail of mails) if ('error' in (await parseInviteEmail(mail, { ...horizon, now: new Date() }))) throw new Error('bad bench mail');
  return mails.length / ((performance.now() - started) / 1000);
}

/** SPF, DKIM and DMARC of the mail (mailauth), against the local DNS table. */
async function senderCheck(mails: Buffer[], resolver: DnsResolver): Promise<number> {
  const envelope = { remoteIp: '127.0.0.1', helo: `mail.${benchDomain}`, mailFrom: benchRequester };
  const started = performance.now();
  for (const mail of mails) {
    const auth = await authenticateSender(mail, envelope, resolver);
    if (!auth.authenticated) throw new Error(`bench mail not authenticated: ${auth.summary}`);
  }
  return mails.length / ((performance.now() - started) / 1000);
}

/** Sends one round and splits the process's CPU time over it: Quorum's main thread, the senders, the rest. */
async function sendMeasured(sending: Senders, mails: Buffer[]): Promise<{ perSecond: number; mainCpuMs: number; otherCpuMs: number }> {
  const [process0, main0] = [process.cpuUsage(), threadCpuMs()];
  const { perSecond, cpuMs: senders } = await sending.send(mails);
  const total = process.cpuUsage(process0);
  const main = threadCpuMs() - main0;
  const all = (total.user + total.system) / 1000;
  return { perSecond, mainCpuMs: main / mails.length, otherCpuMs: (all - main - senders) / mails.length };
}

/** The sending mail servers: one worker thread for the whole run, sending a round's mails when asked. */
class Senders {
  private readonly worker = new Worker(new URL('./smtp-sender.js', import.meta.url));

  constructor(private readonly port: number) {}

  /** Sends `mails`; invites per second as the senders measured it, and the CPU time their thread spent. */
  send(mails: Buffer[]): Promise<SenderResult> {
    const job: SenderJob = { port: this.port, from: benchRequester, to: benchAssistant, helo: `mail.${benchDomain}`, senders, mails };
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      this.worker.once('error', failed);
      this.worker.once('message', (message: Partial<SenderResult> & { error?: string }) => {
        this.worker.off('error', failed);
        if (message.perSecond !== undefined && message.cpuMs !== undefined) resolve({ perSecond: message.perSecond, cpuMs: message.cpuMs });
        else reject(new Error(message.error ?? 'the sender failed'));
      });
      this.worker.postMessage(job);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** A Quorum with the bench company, on its own data folder, and the sending servers pointed at its SMTP port. */
async function startBenchQuorum(dataDir: string, options: StartOptions): Promise<{ quorum: Quorum; sending: Senders }> {
  const config = loadConfig({}, { QUORUM_DATA_DIR: dataDir, QUORUM_HTTP_PORT: 0, QUORUM_SMTP_PORT: 0, QUORUM_LOG_LEVEL: 'silent' });
  const quorum = await startQuorum(config, options);
  await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: benchAssistant, settings: defaultCompanySettings({ adminEmail: benchRequester }) });
  const port = quorum.intake.smtp?.port;
  if (!port) throw new Error('the SMTP intake did not start');
  return { quorum, sending: new Senders(port) };
}

export async function measureIntake(log: (line: string) => void): Promise<IntakeFigures> {
  const dataDirs = [mkdtempSync(join(tmpdir(), 'quorum-bench-intake-')), mkdtempSync(join(tmpdir(), 'quorum-bench-intake-'))] as const;
  const key = createDkimKey(benchDomain);
  const resolver = tableResolver(key.dns);
  const started: Array<{ quorum: Quorum; sending: Senders }> = [];
  const figures: IntakeFigures = { parsePerSecond: [], zonedParsePerSecond: [], mailParsePerSecond: [], senderCheckPerSecond: [], endToEndPerSecond: [], allAtOncePerSecond: [], mainCpuMs: [], otherCpuMs: [], invitesPerRound, senders };
  try {
    const usual = await startBenchQuorum(dataDirs[0], { dnsResolver: resolver });
    started.push(usual);
    const wide = await startBenchQuorum(dataDirs[1], { dnsResolver: resolver, parseReadWidth: Number.MAX_SAFE_INTEGER });
    started.push(wide);
    const [sending, allAtOnce] = [usual.sending, wide.sending];
    for (let round = -1; round < rounds; round += 1) {
      const start = new Date(Date.now() + (3 + round) * 86_400_000);
      const calendars = Array.from({ length: invitesPerRound }, (_, n) => benchCalendar(n, new Date(start.getTime() + n * 3_600_000)));
      // Signing is the sending server's work, so it happens before the clock starts.
      const mails = await Promise.all(calendars.map((calendar, n) => benchMail(calendar, n, key)));
      const parse = bareParse(calendars);
      const zoned = zonedParse(calendars);
      const mailRate = await mailParse(mails);
      const checkRate = await senderCheck(mails, resolver);
      // The two take turns going first, so neither always meets the other's leftovers (collector, page cache).
      const second = round % 2 === 0 ? await allAtOnce.send(mails) : undefined;
      const sent = await sendMeasured(sending, mails);
      const other = second ?? (await allAtOnce.send(mails));
      // Round -1 warms the JIT, the page cache and the SMTP code paths; it is not counted.
      if (round < 0) continue;
      figures.parsePerSecond.push(parse);
      figures.zonedParsePerSecond.push(zoned);
      figures.mailParsePerSecond.push(mailRate);
      figures.senderCheckPerSecond.push(checkRate);
      figures.endToEndPerSecond.push(sent.perSecond);
      figures.allAtOncePerSecond.push(other.perSecond);
      figures.mainCpuMs.push(sent.mainCpuMs);
      figures.otherCpuMs.push(sent.otherCpuMs);
      log(`intake round ${round + 1}/${rounds}: parse ${parse.toFixed(0)}/s, with zones ${zoned.toFixed(0)}/s, e-mail parse ${mailRate.toFixed(0)}/s, sender check ${checkRate.toFixed(0)}/s, end to end ${sent.perSecond.toFixed(0)}/s (read all at once ${other.perSecond.toFixed(0)}/s)`);
    }
    // Every invite of every round, the warm-up included, must have been scheduled, by both: a 250 alone proves nothing.
    const sent = invitesPerRound * (rounds + 1);
    for (const { quorum } of started) {
      const scheduled = await quorum.sessions.list({ limit: 10_000 });
      if (scheduled.length !== sent) throw new Error(`${scheduled.length} sessions were scheduled for ${sent} invites`);
    }
    return figures;
  } finally {
    for (const { quorum, sending } of started) {
      await sending.close();
      await quorum.close();
    }
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  }
}
