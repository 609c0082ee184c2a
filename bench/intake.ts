import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import ICAL from 'ical.js';
import { loadConfig } from '../src/config.js';
import { defaultCompanySettings } from '../src/eligibility/settings.js';
import { tableResolver } from '../src/intake/dns.js';
import { createDkimKey } from '../src/intake/mail-auth.js';
import { startQuorum } from '../src/main.js';
import type { SenderJob } from './smtp-sender.js';
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
  endToEndPerSecond: number[];
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

/** Sends the mails from a worker thread (the other machines' mail servers) and returns invites per second. */
function sendAll(port: number, mails: Buffer[]): Promise<number> {
  const job: SenderJob = { port, from: benchRequester, to: benchAssistant, helo: `mail.${benchDomain}`, senders, mails };
  const worker = new Worker(new URL('./smtp-sender.js', import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { perSecond?: number; error?: string }) => {
      void worker.terminate();
      if (message.perSecond !== undefined) resolve(message.perSecond);
      else reject(new Error(message.error ?? 'the sender failed'));
    });
  });
}

export async function measureIntake(log: (line: string) => void): Promise<IntakeFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorum-bench-intake-'));
  const key = createDkimKey(benchDomain);
  const config = loadConfig({}, { QUORUM_DATA_DIR: dataDir, QUORUM_HTTP_PORT: 0, QUORUM_SMTP_PORT: 0, QUORUM_LOG_LEVEL: 'silent' });
  const quorum = await startQuorum(config, { dnsResolver: tableResolver(key.dns) });
  const figures: IntakeFigures = { parsePerSecond: [], zonedParsePerSecond: [], endToEndPerSecond: [], invitesPerRound, senders };
  try {
    await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: benchAssistant, settings: defaultCompanySettings({ adminEmail: benchRequester }) });
    const port = quorum.intake.smtp?.port;
    if (!port) throw new Error('the SMTP intake did not start');
    for (let round = -1; round < rounds; round += 1) {
      const start = new Date(Date.now() + (3 + round) * 86_400_000);
      const calendars = Array.from({ length: invitesPerRound }, (_, n) => benchCalendar(n, new Date(start.getTime() + n * 3_600_000)));
      // Signing is the sending server's work, so it happens before the clock starts.
      const mails = await Promise.all(calendars.map((calendar, n) => benchMail(calendar, n, key)));
      const parse = bareParse(calendars);
      const zoned = zonedParse(calendars);
      const endToEnd = await sendAll(port, mails);
      // Round -1 warms the JIT, the page cache and the SMTP code paths; it is not counted.
      if (round < 0) continue;
      figures.parsePerSecond.push(parse);
      figures.zonedParsePerSecond.push(zoned);
      figures.endToEndPerSecond.push(endToEnd);
      log(`intake round ${round + 1}/${rounds}: parse ${parse.toFixed(0)}/s, with zones ${zoned.toFixed(0)}/s, end to end ${endToEnd.toFixed(0)}/s`);
    }
    const scheduled = await quorum.sessions.list({ limit: 10_000 });
    if (scheduled.length < invitesPerRound * rounds) throw new Error(`only ${scheduled.length} sessions were scheduled`);
    return figures;
  } finally {
    await quorum.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
