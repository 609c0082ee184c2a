import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '../bus.js';
import nodemailer from 'nodemailer';
import { loadConfig, type Config } from '../config.js';
import { defaultCompanySettings } from '../eligibility/settings.js';
import { composeInvite } from '../intake/compose-invite.js';
import { tableResolver } from '../intake/dns.js';
import { createDkimKey, signMessage, type DkimKey } from '../intake/mail-auth.js';
import { startQuorum, type Quorum } from '../main.js';
import { simSdkApp } from '../../test/sim/zoom/provider.js';
import type { Artifact } from '../sessions/artifacts.js';
import type { SessionChange } from '../sessions/session-store.js';
import type { Session } from '../sessions/session.js';
import { isEnded } from '../sessions/states.js';
import type { SimEvent } from '../../test/sim/index.js';
import { demoProviders } from './demo-providers.js';
import { CliError } from './errors.js';
import { formatEvent, formatTime } from './format.js';

export interface DemoOptions {
  provider: string;
  json: boolean;
  dataDir?: string;
  /** Aborted on Ctrl-C: the demo closes Quorum, removes its temporary data and returns 130. */
  signal?: AbortSignal;
  /** Where the human lines and the JSON summary go; default stdout. */
  out?: (text: string) => void;
  /** The environment the demo takes its few machine settings from (demoConfig); default process.env. */
  env?: NodeJS.ProcessEnv;
}

interface DemoResult {
  provider: string;
  /** `bot`: a bot joined and recorded; `zoom_cloud`: Zoom recorded and Quorum fetched the files. */
  plan: 'bot' | 'zoom_cloud';
  sessionId: string;
  state: string;
  endCode: string | null;
  attempts: number;
  artifacts: Artifact[];
  recorded: boolean;
  /** From dispatch to recording (the bot in the meeting, admitted and, on Zoom, allowed to record). */
  joinMs: number | null;
  audioSeconds: number | null;
  /** Zoom: the bot's request for recording permission and the simulated host's answer. */
  permission: { requestedAt: string; answer: 'granted' | 'denied' | null; answeredAt: string | null } | null;
}

export { demoProviders };
const demoDomain = 'acme.example';
const demoAssistant = `assistant@${demoDomain}`;
const demoRequester = `ada@${demoDomain}`;
/** A second demo company records Zoom in cloud mode (the mode is per company); invites reach it at this address. */
const cloudCompany = { id: 'acme-cloud', assistant: `recordings@${demoDomain}`, webhookSecret: 'demo-zoom-webhook-secret' };

/**
 * Starts Quorum and the simulator on free ports with the demo company, asks Quorum to record a simulated
 * meeting that starts in a few seconds, prints every state change as it happens, and reports the result.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const providers = options.provider === 'all' ? [...demoProviders] : [options.provider];
  const unknown = providers.filter((p) => !(demoProviders as readonly string[]).includes(p));
  if (unknown.length > 0) throw new CliError(`the demo supports ${demoProviders.join(', ')} (or all); got ${unknown.join(', ')}`, 'usage');
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'quorum-demo-'));
  // An interrupted demo leaves no temporary data behind. Playwright's own SIGINT handler ends the process once
  // its browsers are closed, possibly before quorum.close() returns, so the removal also runs in the exit hook.
  const removeInterrupted = () => {
    if (temporary && options.signal?.aborted) rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', removeInterrupted);
  try {
    return await demoIn(dataDir, providers, options);
  } catch (error) {
    if (options.signal?.aborted) return 130;
    throw error;
  } finally {
    process.off('exit', removeInterrupted);
    removeInterrupted();
  }
}

/** Settings of this machine, not of an installation: without them Chromium may not start here at all. */
const machineSettings = ['CHROMIUM_PATH', 'QUORUM_BROWSER_ARGS'] as const;
/** Set for a real installation; the demo ignores them and says so when they are set. */
const installationSettings = ['DATABASE_URL', 'REDIS_URL', 'QUORUM_CONFIG_FILE', 'QUORUM_COMPANIES_FILE'] as const;

/**
 * The demo's settings: embedded and self-contained whatever the operator's environment says. On a scale-out host
 * DATABASE_URL and REDIS_URL name the production database and queue: the demo would write its companies there and
 * take real joins from the shared queue. So it starts from no settings at all (no QUORUM_CONFIG_FILE, companies
 * file, relay or ports) and keeps only the machine's Chromium. `ignored`: the installation settings it left out.
 */
export function demoConfig(env: NodeJS.ProcessEnv, dataDir: string): { config: Config; ignored: string[] } {
  const machine = Object.fromEntries(machineSettings.filter((key) => env[key] !== undefined).map((key) => [key, env[key]]));
  const config = loadConfig(machine, {
    QUORUM_DATA_DIR: dataDir,
    QUORUM_HTTP_PORT: 0,
    QUORUM_SMTP_PORT: 0,
    QUORUM_SIMULATE: true,
    QUORUM_LOG_LEVEL: 'silent',
    QUORUM_ALONE_TIMEOUT_SECONDS: 5,
  });
  return { config, ignored: installationSettings.filter((key) => env[key] !== undefined && env[key] !== '') };
}

async function demoIn(dataDir: string, providers: string[], options: DemoOptions): Promise<number> {
  const { config, ignored } = demoConfig(options.env ?? process.env, dataDir);
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  const { signal } = options;
  // After an interrupt the bots are torn down: their "crashes" are not news.
  const say = (line: string) => {
    if (!options.json && !signal?.aborted) out(`${line}\n`);
  };
  // Also with --json (on stderr, where it does not spoil the summary): an operator who set these must not wonder.
  const notice = options.json ? (line: string) => void process.stderr.write(`${line}\n`) : say;
  if (ignored.length > 0) notice(`Quorum demo: ignoring ${ignored.join(', ')}; the demo always runs embedded (SQLite and an in-process queue in its own data folder)`);
  say(`Quorum demo: data in ${dataDir}`);
  // The demo company's domain signs its mail with this key; Quorum's DNS answers come from a local table.
  const dkim = createDkimKey(demoDomain);
  const quorum = await startQuorum(config, { dnsResolver: tableResolver(dkim.dns) });
  try {
    const settings = withDemoProviders(defaultCompanySettings({ adminEmail: demoRequester }), quorum.simulator?.zoomApi.companySettings());
    await quorum.companies.put({ id: 'acme', name: 'Acme', assistantAddress: demoAssistant, settings });
    if (providers.includes('zoom')) await putCloudCompany(quorum);
    say(`Quorum (${quorum.mode}) API on ${quorum.url}; SMTP on 127.0.0.1:${quorum.intake.smtp?.port ?? '?'}; simulator on 127.0.0.1:${quorum.simulator?.httpsPort ?? '?'}`);
    const results: DemoResult[] = [];
    for (const provider of providers) {
      results.push(await untilAborted(demoOne(quorum, provider, say, dkim), signal));
      if (provider === 'zoom') results.push(await untilAborted(demoZoomCloud(quorum, say, dkim), signal));
    }
    if (options.json) out(`${JSON.stringify({ dataDir, results }, null, 2)}\n`);
    return results.every((r) => r.recorded) ? 0 : 1;
  } finally {
    await quorum.close();
  }
}

/** The work's result, or a rejection as soon as `signal` aborts (the caller then closes what the work uses). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CliError('the demo was interrupted', 'interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const demoSpeakers = [{ name: 'Ada Lovelace' }, { name: 'Grace Hopper', leaveAfterMs: 12_000 }];

/**
 * The same meeting on every provider: a lobby (Zoom: waiting room) that admits after 3 s, two speakers, the host
 * ends it 20 s after admission. On Zoom the host, Ada, also grants the bot's request to record 2 s after it asks.
 */
function createDemoMeeting(sim: NonNullable<Quorum['simulator']>, provider: string): Promise<{ id: string; joinUrl: string }> {
  const script = () => ({ access: 'lobby' as const, lobby: { outcome: 'admit' as const, afterMs: 3000 }, participants: demoSpeakers, endAfterMs: 20_000 });
  if (provider === 'zoom') {
    return sim.createMeeting('zoom', { waitingRoom: { outcome: 'admit', afterMs: 3000 }, participants: demoSpeakers, permission: { answer: 'granted', afterMs: 2000 }, endAfterMs: 20_000 });
  }
  if (provider === 'teams' || provider === 'webex') return sim.createMeeting(provider, script());
  return sim.createMeeting('meet', script());
}

const meetingStory: Record<string, string> = {
  zoom: 'waiting room admits after 3 s, the bot asks the host for permission to record and the host grants it 2 s later, host ends it 20 s after admission',
};

/**
 * The demo company records every demo provider (anonymous bots); `acme` is the simulated Webex site. Zoom runs in
 * local mode: a bot with the simulator's Meeting SDK app joins and asks the host for recording permission.
 */
function withDemoProviders(settings: ReturnType<typeof defaultCompanySettings>, zoomApi: Record<string, string> | undefined): ReturnType<typeof defaultCompanySettings> {
  const zoom = { enabled: true, mode: 'local' as const, sdkKey: simSdkApp.key, sdkSecret: simSdkApp.secret, ...zoomApi };
  const providers = { ...settings.providers, teams: { enabled: true, authenticatedBot: { enabled: false } }, webex: { enabled: true, authenticatedBot: { enabled: false }, site: 'acme' }, zoom };
  return { ...settings, providers };
}

async function demoOne(quorum: Quorum, provider: string, say: (line: string) => void, dkim: DkimKey): Promise<DemoResult> {
  const sim = quorum.simulator;
  if (!sim) throw new Error('the simulator did not start');
  const meeting = await createDemoMeeting(sim, provider);
  say(`\n[${provider}] simulated meeting ${meeting.joinUrl} (${meetingStory[provider] ?? 'lobby admits after 3 s, host ends it 20 s after admission'})`);
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
  const permission = permissionOf(report?.events ?? []);
  const joinMs = await joinLatency(quorum, sessionId);
  const audioMs = audio.reduce((sum, a) => sum + (a.durationMs ?? 0), 0);
  const audioSeconds = audio.length > 0 ? Math.round(audioMs / 100) / 10 : null;
  for (const line of summary(joinMs, audioSeconds, permission)) say(`[${provider}] ${line}`);
  return { provider, plan: 'bot', sessionId, state: final.state, endCode: final.endCode, attempts: final.attempt, artifacts, recorded, joinMs, audioSeconds, permission };
}

function permissionOf(events: SimEvent[]): DemoResult['permission'] {
  const requested = events.find((e) => e.type === 'permission_requested');
  if (!requested) return null;
  const answer = events.find((e) => e.type === 'permission_granted' || e.type === 'permission_denied');
  return { requestedAt: requested.at, answer: answer ? (answer.type === 'permission_granted' ? 'granted' : 'denied') : null, answeredAt: answer?.at ?? null };
}

/** The `admitted` step's joinMs of the last attempt: dispatch → recording. */
async function joinLatency(quorum: Quorum, sessionId: string): Promise<number | null> {
  const timeline = await quorum.sessions.timeline(sessionId);
  const admitted = timeline.filter((e) => e.code === 'admitted').at(-1);
  const joinMs = admitted?.details?.['joinMs'];
  return typeof joinMs === 'number' ? joinMs : null;
}

/** What happened, in plain words. */
function summary(joinMs: number | null, audioSeconds: number | null, permission: DemoResult['permission']): string[] {
  const lines: string[] = [];
  if (permission) {
    const waited = permission.answeredAt ? ` ${((Date.parse(permission.answeredAt) - Date.parse(permission.requestedAt)) / 1000).toFixed(1)} s later` : '';
    const answer = permission.answer === null ? 'never answered' : `${permission.answer} it${waited}`;
    lines.push(`the bot asked the host for permission to record at ${formatTime(permission.requestedAt)}; the host ${answer}`);
  }
  const what = permission ? 'in the meeting with permission to record' : 'in the meeting and recording';
  lines.push(joinMs === null ? 'the bot never got into the meeting' : `join latency: the bot was ${what} ${(joinMs / 1000).toFixed(1)} s after it started`);
  lines.push(audioSeconds === null ? 'no audio was recorded' : `recorded ${audioSeconds.toFixed(1)} s of audio`);
  return lines;
}

/** The cloud-mode company: same domain and requester, its own assistant address; Zoom's API is the simulator's. */
async function putCloudCompany(quorum: Quorum): Promise<void> {
  const base = defaultCompanySettings({ id: cloudCompany.id, name: 'Acme (Zoom cloud)', adminEmail: demoRequester, assistantAddress: cloudCompany.assistant });
  const zoom = { enabled: true, mode: 'cloud' as const, webhookSecretToken: cloudCompany.webhookSecret, ...quorum.simulator?.zoomApi.companySettings() };
  const settings = { ...base, providers: { ...base.providers, zoom } };
  await quorum.companies.put({ id: cloudCompany.id, name: 'Acme (Zoom cloud)', assistantAddress: cloudCompany.assistant, settings });
}

/**
 * Zoom's cloud recording: no bot joins. The simulated Zoom records the meeting, sends a signed
 * `recording.completed` to Quorum's webhook 4 s after it starts, and Quorum downloads the files.
 */
async function demoZoomCloud(quorum: Quorum, say: (line: string) => void, dkim: DkimKey): Promise<DemoResult> {
  const zoomApi = quorum.simulator?.zoomApi;
  if (!zoomApi) throw new Error('the simulator did not start');
  const label = '[zoom cloud]';
  const startsAt = new Date(Math.ceil((Date.now() + 5000) / 1000) * 1000);
  const webhook = { url: `${quorum.url}/v1/webhooks/zoom/${cloudCompany.id}`, secret: cloudCompany.webhookSecret, afterMs: startsAt.getTime() - Date.now() + 4000 };
  const meeting = zoomApi.cloudRecording({ startTime: startsAt.toISOString(), topic: 'Quorum demo meeting', webhook });
  say(`\n${label} Zoom meeting ${meeting.joinUrl} recorded in Zoom's cloud (no bot joins; Zoom sends recording.completed 4 s after the start)`);
  const follower = followSessions(quorum, (change) => say(`${label} ${formatEvent(change.event)}`));
  const sessionId = await sendInvite(quorum, meeting.joinUrl, startsAt, dkim, { companyId: cloudCompany.id, assistant: cloudCompany.assistant });
  say(`${label} invite e-mail from ${demoRequester} to ${cloudCompany.assistant} accepted over SMTP; session ${sessionId} scheduled; meeting starts at ${startsAt.toISOString()}`);
  const final = await follower.until(sessionId);
  const artifacts = await quorum.artifacts.list(sessionId);
  say(`${label} ended: ${final.state} (${final.endCode ?? 'no end code'})`);
  for (const a of artifacts) say(`${label} ${a.kind}: ${a.path} (${a.bytes} bytes)`);
  const answer = zoomApi.webhookResults.at(-1)?.status;
  const delivered = answer === undefined ? 'Zoom sent no webhook' : `Zoom sent a signed recording.completed to Quorum's webhook (answered ${answer})`;
  say(`${label} ${delivered}; Quorum downloaded ${artifacts.length} file(s): ${artifacts.map((a) => a.kind).join(', ') || 'none'}`);
  const recorded = final.state === 'done' && artifacts.some((a) => a.kind === 'audio');
  return { provider: 'zoom', plan: 'zoom_cloud', sessionId, state: final.state, endCode: final.endCode, attempts: final.attempt, artifacts, recorded, joinMs: null, audioSeconds: null, permission: null };
}

/** Sends a signed calendar invite for the meeting through Quorum's SMTP server, as an organizer's mail system would. */
async function sendInvite(quorum: Quorum, joinUrl: string, startsAt: Date, dkim: DkimKey, to = { companyId: 'acme', assistant: demoAssistant }): Promise<string> {
  const port = quorum.intake.smtp?.port;
  if (!port) throw new Error('the SMTP intake did not start');
  const { uid, raw } = composeInvite({
    start: startsAt,
    end: new Date(startsAt.getTime() + 10 * 60_000),
    summary: 'Quorum demo meeting',
    organizer: demoRequester,
    attendees: [demoRequester, to.assistant],
    joinUrl,
    from: demoRequester,
    to: to.assistant,
  });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: `mail.${demoDomain}` });
  try {
    await transport.sendMail({ envelope: { from: demoRequester, to: [to.assistant] }, raw: await signMessage(raw, dkim) });
  } finally {
    transport.close();
  }
  const [occurrence] = await quorum.intake.meetings.occurrences(to.companyId, uid);
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
