import { pino } from 'pino';
import type { Logger } from 'pino';
import { baseChromiumArgs, hostResolverRules } from '../../providers/browser/flags.js';
import { startControlServer } from './core/control-api.js';
import { startHttpsServer } from './core/https-server.js';
import { ParticipantBrowser } from './core/participants.js';
import { RoomRegistry } from './core/registry.js';
import { createCertificate } from './core/tls.js';
import type { SimAction, SimMeetingReport, SimProvider, SimProviderId } from './core/types.js';
import { SimError } from './core/types.js';
import { meetProvider } from './meet/provider.js';
import type { MeetScript } from './meet/script.js';
import { SimAccounts } from './core/accounts.js';
import type { SimAccount } from './core/accounts.js';
import { teamsProvider } from './teams/provider.js';
import type { TeamsScript, WebexScript } from './core/web-script.js';
import { webexProvider } from './webex/provider.js';
import { ZoomApiSim } from './zoom/api.js';
import { zoomSimProvider } from './zoom/provider.js';
import type { ZoomScript } from './zoom/script.js';

export type { SimAction, SimEvent, SimEventType, SimMeetingReport, SimProviderId } from './core/types.js';
export { SimError } from './core/types.js';
export type { MeetScript } from './meet/script.js';
export type { TeamsScript, WebexScript } from './core/web-script.js';
export type { SimAccount } from './core/accounts.js';
export type { ZoomScript } from './zoom/script.js';

/** The accounts the simulated identity providers accept unless a test passes its own. */
export const simAccounts = {
  teams: { provider: 'teams', email: 'notetaker@quorum-sim.onmicrosoft.com', password: 'Sim-Teams-Pa55!', displayName: 'Quorum Bot (Teams)' },
  webex: { provider: 'webex', email: 'notetaker@quorum-sim.example', password: 'Sim-Webex-Pa55!', displayName: 'Quorum Bot (Webex)' },
  meet: { provider: 'meet', email: 'notetaker@quorum-sim.example', password: 'Sim-Google-Pa55!', displayName: 'Quorum Bot (Meet)' },
} as const satisfies Record<string, SimAccount>;

export interface SimulatorOptions {
  chromiumPath: string;
  /** 0 or absent: a free port. */
  httpsPort?: number;
  /** 0 or absent: a free port. */
  controlPort?: number;
  log?: Logger;
  /** Accounts the Microsoft, Webex and Google sign-in pages accept; default `simAccounts`. */
  accounts?: readonly SimAccount[];
  /** How long a sign-in session lasts; default one hour. */
  signInTtlMs?: number;
}

export interface Simulator {
  httpsPort: number;
  /** `http://127.0.0.1:<controlPort>` */
  controlUrl: string;
  /** Host resolver rules for every simulated host plus the flag trusting the simulator's certificate. */
  chromiumArgs(): string[];
  createMeeting(provider: 'meet', script: MeetScript): Promise<{ id: string; joinUrl: string }>;
  /** Teams and Webex meetings share one script shape (launcher, gates, lobby kind, participants). */
  createMeeting(provider: 'teams' | 'webex', script: TeamsScript | WebexScript): Promise<{ id: string; joinUrl: string }>;
  /** A Zoom meeting the local-recording bot joins through the Meeting SDK stand-in. */
  createMeeting(provider: 'zoom', script: ZoomScript): Promise<{ id: string; joinUrl: string }>;
  /** How many times an account completed a password sign-in at the simulated identity provider. */
  signIns(provider: SimProviderId, email: string): number;
  /** Ends every sign-in session (expiry), so the next signed-in join must sign in again. */
  revokeSignIns(): void;
  getMeeting(id: string): SimMeetingReport | undefined;
  act(id: string, action: SimAction): void;
  /** Zoom's REST API, OAuth, file downloads and signed webhooks, on loopback HTTP. */
  zoomApi: ZoomApiSim;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const log = options.log ?? pino({ level: 'silent' });
  const accounts = new SimAccounts(options.accounts ?? Object.values(simAccounts), options.signInTtlMs ?? 3_600_000);
  const zoomApi = new ZoomApiSim();
  await zoomApi.start();
  const providers: readonly SimProvider[] = [meetProvider(accounts), teamsProvider(accounts), webexProvider(accounts), zoomSimProvider(() => zoomApi)];
  const hosts = providers.flatMap((p) => p.hosts);
  const certificate = await createCertificate(hosts);
  let httpsPort = 0;
  const participants = new ParticipantBrowser({ chromiumPath: options.chromiumPath, hosts, httpsPort: () => httpsPort, log });
  const rooms = new RoomRegistry(new Map(providers.map((p) => [p.id, p])), participants, log);
  const https = await startHttpsServer(certificate, options.httpsPort ?? 0, providers, rooms, log);
  httpsPort = https.port;

  const target = {
    createMeeting: async (provider: SimProviderId, script: unknown) => {
      const room = rooms.create(provider, script);
      return { id: room.id, joinUrl: room.joinUrl };
    },
    getMeeting: (id: string) => rooms.get(id)?.report(),
    act: (id: string, action: SimAction) => {
      const room = rooms.get(id);
      if (!room) throw new SimError(404, `no meeting ${id}`);
      room.act(action);
    },
  };
  const controlServer = await startControlServer(options.controlPort ?? 0, target, log).catch(async (error: unknown) => {
    await Promise.allSettled([https.close(), zoomApi.close()]);
    throw error;
  });

  return {
    httpsPort: https.port,
    controlUrl: controlServer.url,
    chromiumArgs: () => [
      hostResolverRules(hosts, https.port),
      `--ignore-certificate-errors-spki-list=${certificate.spkiHash}`,
      localNetworkAccessOff(),
    ],
    createMeeting: target.createMeeting,
    getMeeting: target.getMeeting,
    act: target.act,
    signIns: (provider, email) => accounts.signIns(provider, email),
    revokeSignIns: () => accounts.revokeAll(),
    zoomApi,
    close: async () => {
      rooms.closeAll();
      await Promise.allSettled([participants.shutdown(), https.close(), controlServer.close(), zoomApi.close()]);
    },
  };
}

/**
 * The simulator maps public hosts (source.zoom.us, zoom.us) onto loopback, so Chromium's Local Network Access
 * check refuses the Zoom bot page (a public https origin served by page.route) loading the SDK from "loopback".
 * Against the real Zoom both sides are public and the check never fires. Chromium keeps one --disable-features
 * value, so the base flag's features are repeated here.
 */
function localNetworkAccessOff(): string {
  const base = baseChromiumArgs.find((arg) => arg.startsWith('--disable-features='))?.slice('--disable-features='.length);
  return `--disable-features=${[base, 'LocalNetworkAccessChecks'].filter(Boolean).join(',')}`;
}
