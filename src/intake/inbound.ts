import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { topics, type LiveBus } from '../bus.js';
import type { IntakeMetrics } from '../metrics.js';
import type { Decision } from '../eligibility/check.js';
import type { SessionStore } from '../sessions/session-store.js';
import { applyEvent, meetingKey, previewEvent, uidOf } from './apply.js';
import type { ApplyDeps, InviteContext } from './apply.js';
import type { EventOutcome, OccurrenceOutcome } from './outcomes.js';
import type { DnsResolver } from './dns.js';
import type { ParsedInviteEmail } from './email.js';
import { aligned } from './mail-auth.js';
import type { Envelope, SenderAuth } from './mail-auth.js';
import { inlineReader } from './parse-pool.js';
import type { MailReader, ReadMail } from './parse-pool.js';
import { GroupCommit } from './group-commit.js';
import { InviteWrites, StaleMeetingError } from './invite-writes.js';
import { KeyedLock } from './keyed-lock.js';
import type { InboundMessage, MeetingsStore, MessageStatus, MessageSummary, Transport } from './meetings-store.js';
import type { CompanyDirectory } from './planner.js';
import { autoSubmitted, headersOf, unanswerable } from './raw-headers.js';
import { composeReply } from './reply.js';
import type { Replier } from './reply.js';
import { extendSeries } from './series-extension.js';
import type { ExtensionResult } from './series-extension.js';

export interface InboundDeps extends ApplyDeps {
  store: MeetingsStore;
  sessions: SessionStore;
  companies: CompanyDirectory;
  retiredAssistantAddresses: readonly string[];
  horizonDays: number;
  maxBytes: number;
  /** Sender of replies when the company's assistant address cannot be used. */
  mailFrom: string;
  resolver?: DnsResolver;
  /** Where parsing and sender authentication run; unset: on this thread (with `resolver`). */
  reader?: MailReader;
  replier?: Replier;
  metrics?: IntakeMetrics;
  now?: () => Date;
  bus?: LiveBus;
}

/** What the bus topic `inbound` carries: a message that ended (processed, rejected or failed), by id. */
export interface InboundNews {
  id: string;
  status: MessageStatus;
}

export interface ReceivedMail {
  transport: Transport;
  raw: Buffer;
  envelope: Envelope & { recipients: string[] };
}

export interface InboundResult {
  /** The stored raw message's id. */
  id: string;
  status: 'processed' | 'rejected' | 'failed';
  companyId?: string;
  assistantAddress?: string;
  requester?: string;
  rejection?: { code: string; message: string };
  auth?: Pick<SenderAuth, 'authenticated' | 'summary'>;
  events: EventOutcome[];
}

/** What applying a message gave, and the meetings it holds until its writes are committed. */
interface Processed {
  result: InboundResult;
  parsed?: ParsedInviteEmail;
  unlock?: () => void;
}

/** A message is decided again when another process changed its meeting meanwhile; this often, then it fails. */
const MAX_ATTEMPTS = 5;

/** A message still `received` this long after it arrived was cut off by a stop or crash, not still being read. */
const INTERRUPTED_AFTER_MS = 10 * 60_000;
const INTERRUPTED = 'interrupted: Quorum stopped while reading this message; nothing of it was applied. The sending server retries undelivered mail; or reprocess it.';

/** iTIP methods that carry an attendee's answer, not an invite: nothing to record. */
const NOT_INVITES = new Set(['REPLY', 'COUNTER', 'DECLINECOUNTER', 'REFRESH']);

/**
 * The one path every invite e-mail takes, from SMTP or `POST /v1/inbound/email`: store raw, parse,
 * authenticate the sender, apply each event by UID and SEQUENCE, plan through eligibility, reply.
 */
export class InboundMail {
  private readonly pending = new Set<Promise<void>>();
  private readonly group: GroupCommit;
  private readonly reader: MailReader;
  /** Held per company + UID from the first read of a meeting until its writes are committed. */
  private readonly meetingLocks = new KeyedLock();

  constructor(private readonly deps: InboundDeps) {
    this.group = new GroupCommit(deps.store);
    this.reader = deps.reader ?? inlineReader(deps.resolver);
  }

  /** Whether mail for `address` is accepted: a company's assistant address or a retired generic one. */
  async knows(address: string): Promise<boolean> {
    const lower = address.trim().toLowerCase();
    return this.deps.retiredAssistantAddresses.includes(lower) || (await this.deps.companies.byAssistantAddress(lower)) !== undefined;
  }

  async receive(mail: ReceivedMail): Promise<InboundResult> {
    const started = performance.now();
    const id = randomUUID();
    await this.group.run(async (store) => void (await store.saveRaw({ transport: mail.transport, raw: mail.raw, ...mail.envelope }, id)));
    return this.handle(id, mail, started);
  }

  /**
   * Runs a stored message through the path again, as received (an operator's retry after an internal error, or
   * after changing the settings that turned it down); its outcome is replaced and the requester answered again.
   * Undefined when no such message is stored.
   */
  async reprocess(id: string): Promise<InboundResult | undefined> {
    const started = performance.now();
    const stored = await this.deps.store.message(id);
    if (!stored) return undefined;
    const envelope = {
      recipients: stored.recipients,
      // '' is a null reverse path (a bounce), kept so the reprocessed message is not answered either.
      ...(stored.mailFrom !== null ? { mailFrom: stored.mailFrom } : {}),
      ...(stored.remoteIp ? { remoteIp: stored.remoteIp } : {}),
      ...(stored.helo ? { helo: stored.helo } : {}),
    };
    return this.handle(id, { transport: stored.transport, raw: stored.raw, envelope }, started);
  }

  private async handle(id: string, mail: ReceivedMail, started: number): Promise<InboundResult> {
    let result: InboundResult;
    let parsed: ParsedInviteEmail | undefined;
    let authenticated = false;
    try {
      const now = this.deps.now?.() ?? new Date();
      const read = await this.reader.read(mail.raw, { horizonDays: this.deps.horizonDays, now, maxBytes: this.deps.maxBytes }, mail.envelope);
      authenticated = !('failure' in read.auth) && read.auth.authenticated;
      ({ result, parsed } = await this.applyRead(id, mail, read, now));
    } catch (error) {
      this.deps.log.error({ err: error, messageId: id }, 'inbound mail failed');
      const message = 'Quorum hit an unexpected error reading this invite; the message is kept and an operator can look at it.';
      result = { id, status: 'failed', rejection: { code: 'internal_error', message }, events: [] };
      const failure = `internal_error: ${error instanceof Error ? error.message : String(error)}`;
      await this.deps.store.finishMessage(id, { status: 'failed', ...headersOf(mail.raw, undefined), error: failure }).catch(() => undefined);
    }
    this.count(mail.transport, result, (performance.now() - started) / 1000);
    this.announce({ id, status: result.status });
    this.track(this.reply(mail, result, parsed, authenticated));
    return result;
  }

  private count(transport: Transport, result: InboundResult, seconds: number): void {
    const metrics = this.deps.metrics;
    if (!metrics) return;
    const code = result.status === 'processed' ? 'none' : (rejectionOf(result)?.code ?? 'none');
    metrics.messages.inc({ transport, status: result.status, code });
    metrics.seconds.observe({ transport }, seconds);
    for (const event of result.events) metrics.events.inc({ result: event.result });
  }

  /**
   * Applies a read message and commits everything it changes with its outcome, at once (see InviteWrites).
   * When another process changed one of its meetings after it was read, nothing was committed: it is decided again.
   */
  private async applyRead(id: string, mail: ReceivedMail, read: ReadMail, now: Date): Promise<Processed> {
    for (let attempt = 1; ; attempt += 1) {
      const writes = new InviteWrites(this.deps, this.group);
      let processed: Processed | undefined;
      try {
        processed = await this.process(id, mail, read, now, writes.deps);
        await writes.commit(finish(id, mail.raw, processed));
        return processed;
      } catch (error) {
        if (!decideAgain(error) || attempt >= MAX_ATTEMPTS) throw error;
        this.deps.log.info({ messageId: id, attempt, reason: error instanceof Error ? error.message : String(error) }, 'applying the message again');
      } finally {
        processed?.unlock?.();
      }
    }
  }

  /** Stored messages, newest first (the operator's view of what arrived and how it ended). */
  messages(limit: number, filter: Parameters<MeetingsStore['messages']>[1] = {}): Promise<MessageSummary[]> {
    return this.deps.store.messages(limit, filter);
  }

  message(id: string): Promise<InboundMessage | undefined> {
    return this.deps.store.message(id);
  }

  /** Plans the occurrences of recurring meetings that the planning horizon has reached since they arrived. */
  extendSeries(now: Date = this.deps.now?.() ?? new Date()): Promise<ExtensionResult> {
    return extendSeries(this.deps, this.group, this.meetingLocks, now);
  }

  /**
   * Messages whose reading a stop or crash cut off stay `received` forever otherwise: they end `failed`, saying so.
   * Nothing was applied for them (a message's writes commit with its outcome) and nothing is lost: the sending
   * server got no 250 and sends again, and an operator can reprocess the stored mail.
   */
  async failInterrupted(now: Date = this.deps.now?.() ?? new Date()): Promise<string[]> {
    const before = new Date(now.getTime() - INTERRUPTED_AFTER_MS);
    const ids = await this.deps.store.failInterrupted(before, INTERRUPTED);
    if (ids.length > 0) this.deps.log.warn({ messages: ids }, `${ids.length} message(s) cut off while being read were marked failed`);
    for (const interrupted of ids) this.announce({ id: interrupted, status: 'failed' });
    return ids;
  }

  /** Follows messages as they end (the console's live Invites view); returns the unsubscribe. */
  follow(listener: (news: InboundNews) => void): () => void {
    return this.deps.bus?.subscribe(topics.inbound, (message) => listener(message as InboundNews)) ?? (() => undefined);
  }

  private announce(news: InboundNews): void {
    this.deps.bus?.publish(topics.inbound, news);
  }

  /** Waits for replies still being sent (shutdown, tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async process(id: string, mail: ReceivedMail, read: ReadMail, now: Date, apply: ApplyDeps): Promise<Processed> {
    const parsed = read.parsed;
    if ('error' in parsed) {
      return { result: { id, status: 'rejected', rejection: { code: parsed.error, message: `${parsed.message}. Send the meeting invite itself (with its calendar attachment) to the assistant address.` }, events: [] } };
    }
    const assistantAddress = await this.assistantAddressOf(mail, parsed);
    if (!assistantAddress) {
      const message = 'The message is not addressed to any assistant address of this Quorum installation; invite your company\'s assistant address.';
      return { parsed, result: { id, status: 'rejected', rejection: { code: 'assistant_address_unknown', message }, events: [] } };
    }
    const requester = parsed.requester?.email ?? mail.envelope.mailFrom ?? '';
    if ('failure' in read.auth) throw new Error(read.auth.failure);
    const auth = read.auth;
    // The requester must be the authenticated From (or share its domain): a From passing DMARC vouches for no one else.
    const senderAuthenticated = auth.authenticated && aligned(requester.split('@').pop(), auth.fromDomain);
    const companyId = await this.companyIdFor(assistantAddress, requester);
    const base = { now, companyId, assistantAddress, requesterEmail: requester, senderAuthenticated, messageId: id };
    const events: EventOutcome[] = [];
    // Two copies of one invite arriving together (a forward and the invite itself) must not both plan it: the
    // second reads what the first committed. The caller releases the meetings once this message is committed.
    const unlock = senderAuthenticated ? await this.meetingLocks.acquire(meetingKeys(companyId, parsed)) : undefined;
    try {
      for (const calendar of parsed.calendars) {
        const method = calendar.method ?? 'REQUEST';
        if (NOT_INVITES.has(method)) continue;
        const invite: InviteContext = { ...base, method, ...(parsed.bodyText ? { bodyText: parsed.bodyText } : {}), ...(parsed.bodyHtml ? { bodyHtml: parsed.bodyHtml } : {}) };
        for (const event of calendar.events) events.push(senderAuthenticated ? await applyEvent(apply, invite, event) : await previewEvent(apply, invite, event));
      }
    } catch (error) {
      unlock?.();
      throw error;
    }
    const result: InboundResult = { id, status: 'processed', ...(companyId ? { companyId } : {}), assistantAddress, requester, auth: { authenticated: senderAuthenticated, summary: auth.summary }, events };
    if (events.length === 0) result.rejection = { code: 'no_invite', message: 'The calendar holds only attendee answers (REPLY, COUNTER), no invite; forward the invite itself.' };
    if (!senderAuthenticated || events.length === 0) result.status = 'rejected';
    return { result, parsed, ...(unlock ? { unlock } : {}) };
  }

  /**
   * The SMTP recipient that is an assistant address; over HTTP, the first such address in the headers. A
   * company's own address wins over a retired one: an invite sent to both reached the address it should.
   */
  private async assistantAddressOf(mail: ReceivedMail, parsed: ParsedInviteEmail): Promise<string | undefined> {
    const candidates = [...mail.envelope.recipients, ...parsed.to.map((p) => p.email), ...parsed.cc.map((p) => p.email)].map((c) => c.toLowerCase());
    for (const candidate of candidates) if ((await this.deps.companies.byAssistantAddress(candidate)) !== undefined) return candidate;
    return candidates.find((candidate) => this.deps.retiredAssistantAddresses.includes(candidate));
  }

  private async companyIdFor(address: string, requester: string): Promise<string> {
    const company = await this.deps.companies.byAssistantAddress(address);
    if (company) return company.id;
    // The retired generic address: file the meeting under the requester's company, if its domain says which.
    const domain = domainOf(requester);
    for (const candidate of await this.deps.companies.list()) {
      if (companyDomains(candidate.settings).includes(domain)) return candidate.id;
    }
    return '';
  }

  private async reply(mail: ReceivedMail, result: InboundResult, parsed: ParsedInviteEmail | undefined, authenticated: boolean): Promise<void> {
    const replier = this.deps.replier;
    const headers = headersOf(mail.raw, parsed);
    const to = result.requester || headers.from || mail.envelope.mailFrom;
    if (!replier || !to || unanswerable(to, mail.envelope.mailFrom) || (await this.knows(to)) || autoSubmitted(mail.raw)) return;
    const address = result.assistantAddress ?? mail.envelope.recipients[0];
    const company = address ? await this.deps.companies.byAssistantAddress(address) : undefined;
    // A sender that did not authenticate may be forged: answering an outside address would mail a stranger
    // (backscatter). The company's own people are still told, since a forged request in their name is news to them.
    if (!authenticated && !ownDomain(company?.settings, to)) {
      this.deps.log.info({ messageId: result.id }, 'no reply: the sender did not authenticate and is outside the company');
      return;
    }
    const { subject: originalSubject, messageId: inReplyTo } = headers;
    const { subject, text } = composeReply({ ...(originalSubject ? { subject: originalSubject } : {}), ...(result.rejection ? { rejection: result.rejection } : {}), events: result.events });
    try {
      await replier.send({ from: company?.assistantAddress ?? this.deps.mailFrom, to, subject, text, ...(inReplyTo ? { inReplyTo } : {}) });
    } catch (error) {
      this.deps.log.warn({ err: error, to, messageId: result.id }, 'reply could not be sent');
    }
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}

const domainOf = (address: string): string => address.split('@').pop()?.toLowerCase() ?? '';

/** A company's e-mail domains, in lower case, from its stored settings document. */
function companyDomains(settings: Record<string, unknown> | undefined): string[] {
  const domains = settings?.emailDomains;
  return Array.isArray(domains) ? domains.filter((d): d is string => typeof d === 'string').map((d) => d.toLowerCase()) : [];
}

/** Whether `address` is at one of the company's e-mail domains (or a subdomain of one). */
function ownDomain(settings: Record<string, unknown> | undefined, address: string): boolean {
  const domain = domainOf(address);
  return companyDomains(settings).some((own) => domain === own || domain.endsWith(`.${own}`));
}

/**
 * Failures after which nothing of the message was committed and deciding it again can succeed: another process
 * changed one of its meetings, or PostgreSQL gave up the shared commit to break a deadlock between two processes
 * claiming the same meetings in another order (40P01) or a serialization conflict (40001).
 */
function decideAgain(error: unknown): boolean {
  if (error instanceof StaleMeetingError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** Why a message was turned down as a whole; a sender that failed authentication had its events previewed, not applied. */
function rejectionOf(result: InboundResult): { code: string; message: string } | undefined {
  if (result.rejection) return result.rejection;
  if (result.auth?.authenticated === false) return { code: 'sender_not_authenticated', message: result.auth.summary };
  return undefined;
}

/** The message's outcome, written with its last commit. */
function finish(id: string, raw: Buffer, { result, parsed }: Processed): (store: MeetingsStore) => Promise<void> {
  const rejection = rejectionOf(result);
  return (store) =>
    store.finishMessage(id, {
      status: result.status,
      ...headersOf(raw, parsed),
      ...(rejection ? { error: `${rejection.code}: ${rejection.message}` } : {}),
      ...(result.companyId ? { companyId: result.companyId } : {}),
      outcome: { auth: result.auth, requester: result.requester, events: result.events.map(brief) },
    });
}

/**
 * An event's outcome as kept with the message: each decision without its checks and request (the full decision is
 * stored with the occurrence and its session), so the message still says what was decided and why not.
 */
function brief(event: EventOutcome): Omit<EventOutcome, 'occurrences'> & { occurrences: Array<Omit<OccurrenceOutcome, 'decision'> & { decision?: Omit<Decision, 'checks' | 'request'> }> } {
  const occurrences = event.occurrences.map(({ decision, ...occurrence }) => {
    if (!decision) return occurrence;
    const { checks: _checks, request: _request, ...rest } = decision;
    return { ...occurrence, decision: rest };
  });
  return { ...event, occurrences };
}

/** The lock keys of the meetings a message carries: company + UID (an override shares its series' key). */
function meetingKeys(companyId: string, parsed: ParsedInviteEmail): string[] {
  return parsed.calendars.flatMap((calendar) => calendar.events.map((event) => meetingKey(companyId, uidOf(event))));
}
