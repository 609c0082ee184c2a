import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '../bus.js';
import nodemailer from 'nodemailer';
import { loadConfig } from '../config.js';
import { defaultCompanySettings } from '../eligibility/settings.js';
import { composeInvite } from '../intake/compose-invite.js';
import { tableResolver } from '../intake/dns.js';
import { createDkimKey, signMessage, type DkimKey } from '../intake/mail-auth.js';
import { startQuorum, type Quorum } from '../main.js';
import type { Artifact } from '../sessions/artifacts.js';
import type { SessionChange } from '../sessions/session-store.js';
import type { Session } from '../sessions/session.js';
import { isEnded } from '../sessions/states.js';
import { formatEvent } from './format.js';

export interface DemoOptions {
  provider: string;
  json: boolean;
  dataDir?: string;
}

interface DemoResult {
  provider: string;
  sessionId: string;
  state: string;
  endCode: string | null;
  attempts: number;
  artifacts: Artifact[];
  recorded: boolean;
}

const demoProviders = ['meet', 'teams', 'webex'] as const;
const demoDomain = 'acme.example';
const demoAssistant = `assistant@${demoDomain}`;
const demoRequester = `ada@${demoDomain}`;

/**
 * Starts Quorum and the simulator on free ports with the demo company, asks Quorum to record a simulated
 * meeting that starts in a few seconds, prints every state change as it happens, and reports the result.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const providers = options.provider === 'all' ? [...demoProviders] : [options.provider];
  const unknown = providers.filter((p) => !(demoProviders as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`the demo supports ${demoProviders.join(', ')} (or all); got ${unknown.join(', ')}`);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'quorum-demo-'));
  const config = loadConfig(process.env, {
    QUORUM_DATA_DIR: dataDir,
    QUORUM_HTTP_PORT: 0,
    QUORUM_SMTP_PORT: 0,
    QUORUM_SIMULATE: true,
    QUORUM_LOG_LEVEL: 'silent',
    QUORUM_ALONE_TIMEOUT_SECONDS: 5,
  });
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  say(`Quorum demo: data in ${dataDir}`);
  // The demo company's domain signs its mail with this key; Quorum's DNS answers come from a local table.
  const dkim = createDkimKey(demoDomain);
  const quorum = await startQuorum(config, { dnsResolver: tableResolver(dkim.dns) });
  try {
    await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: demoAssistant, settings: withDemoProviders(defaultCompanySettings({ adminEmail: demoRequester })) });
    say(`Quorum API on ${quorum.url}; SMTP on 127.0.0.1:${quorum.intake.smtp?.port ?? '?'}; simulator on 127.0.0.1:${quorum.simulator?.httpsPort ?? '?'}`);
    const results: DemoResult[] = [];
    for (const provider of providers) results.push(await demoOne(quorum, provider, say, dkim));
    if (options.json) process.stdout.write(`${JSON.stringify({ dataDir, results }, null, 2)}\n`);
    return results.every((r) => r.recorded) ? 0 : 1;
  } finally {
    await quorum.close();
  }
}

/** The same meeting on every provider: a lobby that admits after 3 s, two speakers, the host ends it after 20 s. */
function createDemoMeeting(sim: NonNullable<Quorum['simulator']>, provider: string): Promise<{ id: string; joinUrl: string }> {
  const script = () => ({
    access: 'lobby' as const,
    lobby: { outcome: 'admit' as const, afterMs: 3000 },
    participants: [{ name: 'Ada Lovelace' }, { name: 'Grace Hopper', leaveAfterMs: 12_000 }],
    endAfterMs: 20_000,
  });
  if (provider === 'teams' || provider === 'webex') return sim.createMeeting(provider, script());
  return sim.createMeeting('meet', script());
}

/** The demo company records every demo provider (anonymous bots); `acme` is the simulated Webex site. */
function withDemoProviders(settings: ReturnType<typeof defaultCompanySettings>): ReturnType<typeof defaultCompanySettings> {
  const providers = { ...settings.providers, teams: { enabled: true, authenticatedBot: { enabled: false } }, webex: { enabled: true, authenticatedBot: { enabled: false }, site: 'acme' } };
  return { ...settings, providers };
}

async function demoOne(quorum: Quorum, provider: string, say: (line: string) => void, dkim: DkimKey): Promise<DemoResult> {
  const sim = quorum.simulator;
  if (!sim) throw new Error('the simulator did not start');
  const meeting = await createDemoMeeting(sim, provider);
  say(`\n[${provider}] simulated meeting ${meeting.joinUrl} (lobby admits after 3 s, host ends it after 20 s)`);
  const startsAt = new Date(Math.ceil((Date.now() + 5000) / 1000) * 1000);
  // Listen before asking: the join is due at once (the lead time exceeds 5 s), so changes come quickly.
  const follower = followSessions(quorum, (change) => say(`[${provider}] ${formatEvent(change.event)}`));
  const sessionId = await sendInvite(quorum, meeting.joinUrl, startsAt, dkim);
  say(`[${provider}] invite e-mail from ${demoRequester} to ${demoAssistant} accepted over SMTP (DKIM-signed for ${demoDomain})`);
  say(`[${provider}] session ${sessionId} scheduled; meeting starts at ${startsAt.toISOString()}`);
  const final = await follower.until(sessionId);
  const artifacts = await quorum.artifacts.list(sessionId);
  const audio = artifacts.filter((a) => a.kind === 'audio');
  const recorded = final.state === 'done' && audio.length > 0;
  say(`[${provider}] ended: ${final.state} (${final.endCode ?? 'no end code'}) after ${final.attempt} attempt(s)`);
  for (const a of artifacts) say(`[${provider}] ${a.kind}: ${a.path} (${a.bytes} bytes${a.durationMs === null ? '' : `, ${(a.durationMs / 1000).toFixed(1)} s`})`);
  const report = sim.getMeeting(meeting.id);
  if (report?.bot) say(`[${provider}] simulator saw the bot: asked ${report.bot.requestedAt ?? '-'}, admitted ${report.bot.admittedAt ?? '-'}, left ${report.bot.leftAt ?? '-'}`);
  return { provider, sessionId, state: final.state, endCode: final.endCode, attempts: final.attempt, artifacts, recorded };
}

/** Sends a signed calendar invite for the meeting through Quorum's SMTP server, as an organizer's mail system would. */
async function sendInvite(quorum: Quorum, joinUrl: string, startsAt: Date, dkim: DkimKey): Promise<string> {
  const port = quorum.intake.smtp?.port;
  if (!port) throw new Error('the SMTP intake did not start');
  const { uid, raw } = composeInvite({
    start: startsAt,
    end: new Date(startsAt.getTime() + 10 * 60_000),
    summary: 'Quorum demo meeting',
    organizer: demoRequester,
    attendees: [demoRequester, demoAssistant],
    joinUrl,
    from: demoRequester,
    to: demoAssistant,
  });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: `mail.${demoDomain}` });
  try {
    await transport.sendMail({ envelope: { from: demoRequester, to: [demoAssistant] }, raw: await signMessage(raw, dkim) });
  } finally {
    transport.close();
  }
  const [occurrence] = await quorum.intake.meetings.occurrences('acme', uid);
  if (!occurrence?.sessionId) throw new Error(`the invite was not scheduled: ${JSON.stringify(occurrence?.decision ?? 'no meeting stored')}`);
  return occurrence.sessionId;
}

/**
 * Prints session changes as they happen (buffering those of sessions not yet known), and resolves
 * `until(id)` once that session has ended and no automatic retry followed within a moment.
 */
function followSessions(quorum: Quorum, onChange: (change: SessionChange) => void) {
  let target: string | undefined;
  const early: SessionChange[] = [];
  let done: ((session: Session) => void) | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  const handle = (change: SessionChange) => {
    onChange(change);
    clearTimeout(settleTimer);
    if (!isEnded(change.session.state)) return;
    settleTimer = setTimeout(() => {
      unsubscribe();
      void quorum.sessions.get(change.session.id).then((s) => done?.(s ?? change.session));
    }, 1500);
  };
  const unsubscribe = quorum.bus.subscribe(topics.sessions, (message) => {
    const change = message as SessionChange;
    if (target === undefined) early.push(change);
    else if (change.session.id === target) handle(change);
  });
  return {
    until(id: string): Promise<Session> {
      return new Promise((resolve) => {
        done = resolve;
        target = id;
        for (const change of early.splice(0)) if (change.session.id === id) handle(change);
      });
    },
  };
}
