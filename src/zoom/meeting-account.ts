import type { Logger } from 'pino';
import type { MeetingRef } from '../../providers/types.js';
import { matchUrl as matchZoomUrl } from '../../providers/zoom/url.js';
import type { HostAccount } from '../eligibility/facts.js';
import type { HostAccountLookup, HostAccountQuery } from '../eligibility/host-account.js';
import { zoomApiFor, type ZoomApiCredentials } from './api-client.js';
import { apiCredentials } from './company-zoom.js';

export interface ZoomMeetingAccountsOptions {
  log: Logger;
  /** The whole question (token and call) is given up after this long: the requester is waiting. Default 3 s. */
  timeoutMs?: number;
  /** How long a definite answer (inside, outside) is kept. Default 10 minutes. */
  answerTtlMs?: number;
  /** How long "could not ask" is kept, so a series of many occurrences meets a Zoom outage once. Default 1 minute. */
  unverifiedTtlMs?: number;
}

interface Cached {
  answer: Promise<HostAccount>;
  /** Epoch ms; Infinity while the question is in flight (concurrent askers share it). */
  until: number;
}

const defaults = { timeoutMs: 3_000, answerTtlMs: 10 * 60_000, unverifiedTtlMs: 60_000 };
/** Expired answers are dropped once the cache holds this many, so it cannot grow without bound. */
const pruneAbove = 1_000;

/**
 * Asks Zoom whether the company's own account hosts a meeting (Zoom cloud mode can only fetch those recordings),
 * and whether the meeting starts its cloud recording by itself (`settings.auto_recording` of the same answer), with
 * the company's Server-to-Server token (the same client and token as the recordings fallback). Answers are cached
 * per company, account and meeting number, so a recurring series of 50 occurrences asks once. Never throws:
 * whatever keeps Zoom from answering (no credentials, a refused token, the network, 5xx, the deadline) is
 * `unverified` with why, logged as a warning, and the request goes ahead.
 */
export class ZoomMeetingAccounts {
  private readonly cache = new Map<string, Cached>();
  private readonly settings: typeof defaults;

  constructor(private readonly options: ZoomMeetingAccountsOptions) {
    this.settings = {
      timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
      answerTtlMs: options.answerTtlMs ?? defaults.answerTtlMs,
      unverifiedTtlMs: options.unverifiedTtlMs ?? defaults.unverifiedTtlMs,
    };
  }

  readonly lookup: HostAccountLookup = (query) => this.ask(query);

  private async ask({ company, joinUrl }: HostAccountQuery): Promise<HostAccount> {
    const ref = zoomMeetingOf(joinUrl);
    if (typeof ref !== 'string') return this.unverified(company.id, undefined, ref.why);
    const credentials = apiCredentials(company.providers.zoom);
    if (!credentials) {
      return this.unverified(company.id, ref, 'providers.zoom has no Server-to-Server OAuth credentials (accountId, clientId, clientSecret), so Zoom was not asked');
    }
    const key = JSON.stringify([company.id, credentials.accountId, credentials.apiBaseUrl ?? '', ref]);
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.answer;
    this.prune(now);
    const entry: Cached = { answer: this.askZoom(credentials, ref, company.id), until: Infinity };
    this.cache.set(key, entry);
    const answer = await entry.answer;
    entry.until = Date.now() + (answer.hosted === 'unverified' ? this.settings.unverifiedTtlMs : this.settings.answerTtlMs);
    return answer;
  }

  private async askZoom(credentials: ZoomApiCredentials, meetingId: string, companyId: string): Promise<HostAccount> {
    const { timeoutMs } = this.settings;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const meeting = await Promise.race([zoomApiFor(credentials).accountMeeting(meetingId), deadline]);
      if (meeting === 'timeout') return this.unverified(companyId, meetingId, `Zoom's API did not answer within ${timeoutMs / 1000} s`);
      // The same answer tells whether Zoom starts the cloud recording by itself: no second call.
      if (meeting) return meeting.autoRecording === undefined ? { hosted: 'inside' } : { hosted: 'inside', autoRecording: meeting.autoRecording };
      this.options.log.info({ companyId, meetingId }, 'Zoom meeting is not hosted in the company account; cloud mode cannot record it');
      return { hosted: 'outside', detail: `Zoom's API answered GET /meetings/${meetingId} with 404, code 3001: not a meeting of this account` };
    } catch (error) {
      return this.unverified(companyId, meetingId, `Zoom's API could not be asked: ${describe(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Logged with the meeting number and the error's message only: the link's passcode, and the bearer token an
   * HTTP client's error object may carry in its request config, stay out of the logs.
   */
  private unverified(companyId: string, meetingId: string | undefined, why: string): HostAccount {
    this.options.log.warn({ companyId, meetingId, why }, 'could not ask Zoom which account hosts the meeting; planning the cloud recording unverified');
    return { hosted: 'unverified', why };
  }

  private prune(now: number): void {
    if (this.cache.size < pruneAbove) return;
    for (const [key, entry] of this.cache) if (entry.until <= now) this.cache.delete(key);
  }
}

/** The meeting number of a Zoom link, or why it cannot be asked about (the meetings API knows meetings only). */
function zoomMeetingOf(joinUrl: string): string | { why: string } {
  let ref: MeetingRef | undefined;
  try {
    ref = matchZoomUrl(new URL(joinUrl));
  } catch {
    ref = undefined;
  }
  if (!ref) return { why: 'the link is not a Zoom meeting link Quorum can read a meeting number from' };
  if (new URL(ref.url).pathname.startsWith('/w/')) return { why: 'a webinar link: Quorum asks Zoom about meetings only (GET /meetings/{meetingId})' };
  return ref.id;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
