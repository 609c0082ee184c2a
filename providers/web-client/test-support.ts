import { pino } from 'pino';
import { isSessionError } from '../../src/sessions/session-error.js';
import type { MeetScript, SimEventType, SimProviderId, TeamsScript } from '../../test/sim/index.js';
import { simulatorBrowser } from '../browser/sim-fixture.js';
import type { BotAccount, InMeeting, JoinAdapter, JoinContext, JoinPhase } from '../types.js';

/** Test support for the Teams, Webex and Meet sign-in adapter tests: one simulator and bot browser per file. */

export interface AdapterAttempt {
  id: string;
  ctx: JoinContext;
  phases: JoinPhase[];
  joined: Promise<InMeeting>;
  settled: () => boolean;
}

export interface AttemptOptions {
  authenticated?: boolean;
  account?: BotAccount;
  waitingRoomTimeoutMs?: number;
  stepTimeoutMs?: number;
  signal?: AbortSignal;
  /** The passcode the invite stated (MeetingRef.passcode). */
  passcode?: string;
}

/** A signed-in state kept in memory, as the runner's encrypted store keeps it on disk. */
export function memoryStateStore(): NonNullable<BotAccount['signedInState']> & { value: string | undefined } {
  const store = {
    value: undefined as string | undefined,
    load: async () => store.value,
    save: async (state: string) => {
      store.value = state;
    },
  };
  return store;
}

type FixtureScript<P extends 'teams' | 'webex' | 'meet'> = P extends 'meet' ? MeetScript : TeamsScript;

export function adapterFixture<P extends 'teams' | 'webex' | 'meet'>(adapter: JoinAdapter, provider: P) {
  const { sim, newContext } = simulatorBrowser();

  /** `url`: the link the bot opens instead of the meeting's own, or a function of the meeting's own (a passcode changed). */
  async function attempt(script: FixtureScript<P>, options: AttemptOptions = {}, url?: string | ((joinUrl: string) => string)): Promise<AdapterAttempt> {
    // One call for every provider: the simulator checks the script against the provider's own schema.
    const create = sim().createMeeting as (provider: SimProviderId, script: unknown) => Promise<{ id: string; joinUrl: string }>;
    const meeting = await create(provider, script);
    const context = await newContext();
    const link = typeof url === 'function' ? url(meeting.joinUrl) : (url ?? meeting.joinUrl);
    const matched = adapter.matchUrl(new URL(link));
    if (!matched) throw new Error(`link not recognized: ${link}`);
    const ref = options.passcode === undefined ? matched : { ...matched, passcode: options.passcode };
    const phases: JoinPhase[] = [];
    const ctx: JoinContext = {
      page: await context.newPage(),
      ref,
      botName: 'Quorum Notetaker',
      log: pino({ level: 'silent' }),
      signal: options.signal ?? new AbortController().signal,
      waitingRoomTimeoutMs: options.waitingRoomTimeoutMs ?? 20_000,
      stepTimeoutMs: options.stepTimeoutMs ?? 8_000,
      phase: (phase) => phases.push(phase),
      saveEvidence: async () => undefined,
      ...(options.authenticated === undefined ? {} : { authenticated: options.authenticated }),
      ...(options.account === undefined ? {} : { account: options.account }),
    };
    let done = false;
    const joined = adapter.join(ctx).finally(() => {
      done = true;
    });
    joined.catch(() => undefined);
    return { id: meeting.id, ctx, phases, joined, settled: () => done };
  }

  return {
    sim,
    attempt,
    events: (id: string): SimEventType[] => sim().getMeeting(id)?.events.map((e) => e.type) ?? [],
  };
}

/** The end code and the reason a join failed with (the message the timeline keeps); throws if it joined. */
export async function failureOf(promise: Promise<unknown>): Promise<{ endCode: string; reason: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSessionError(error)) return { endCode: error.endCode, reason: error.message };
    throw error;
  }
  throw new Error('joined, but a failure was expected');
}

export async function endCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSessionError(error)) return error.endCode;
    throw error;
  }
  return 'joined';
}
