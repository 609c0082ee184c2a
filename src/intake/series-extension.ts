import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { StoreLeases } from '../store/leases.js';
import { meetingKey, planNewOccurrences, uidOf } from './apply.js';
import type { InviteContext } from './apply.js';
import { parseInviteEmail } from './email.js';
import type { ParsedInviteEmail } from './email.js';
import type { GroupCommit } from './group-commit.js';
import type { InboundDeps } from './inbound.js';
import { InviteWrites, StaleMeetingError } from './invite-writes.js';
import type { KeyedLock } from './keyed-lock.js';
import type { Meeting } from './meetings-store.js';

export interface ExtensionResult {
  /** Recurring meetings (and future overrides) looked at. */
  series: number;
  /** Occurrences planned now that the horizon reaches them. */
  planned: number;
  failed: number;
}

interface StoredMail {
  parsed: ParsedInviteEmail;
  recipients: string[];
}

/** Every six hours: far more often than any horizon is short, and cheap (one parse per open series). */
export const extensionIntervalMs = 6 * 3_600_000;
const leaseKey = 'intake:series-extension';

/**
 * A series is planned `horizonDays` ahead when its invite arrives; a weekly meeting without an end would
 * otherwise stop being recorded once the horizon passed. This re-reads the stored mail that last changed
 * each open series with today's date and plans the occurrences that have come into the horizon, through
 * the same eligibility check and with the same requester; nothing already planned is touched.
 */
export async function extendSeries(deps: InboundDeps, group: GroupCommit, locks: KeyedLock, now: Date): Promise<ExtensionResult> {
  const assistants = new Map((await deps.companies.list()).map((company) => [company.id, company.assistantAddress]));
  const open = await deps.store.openSeries(now.toISOString());
  const mails = new Map<string, Promise<StoredMail | undefined>>();
  const result: ExtensionResult = { series: open.length, planned: 0, failed: 0 };
  for (const meeting of open) {
    const assistant = assistants.get(meeting.companyId);
    if (!assistant) continue;
    try {
      // The same lock as incoming mail: an update to this meeting arriving now waits, and so does this.
      const unlock = await locks.acquire([meetingKey(meeting.companyId, meeting.uid)]);
      try {
        result.planned += await extendOne(deps, group, meeting, assistant, now, mails);
      } finally {
        unlock();
      }
    } catch (error) {
      // Mail about it was applied by another process meanwhile, and planned the horizon as it stands now.
      if (error instanceof StaleMeetingError) continue;
      result.failed += 1;
      deps.log.error({ err: error, uid: meeting.uid, companyId: meeting.companyId }, 'could not plan further occurrences of a recurring meeting');
    }
  }
  if (result.planned > 0 || result.failed > 0) deps.log.info({ ...result }, 'recurring meetings extended over the planning horizon');
  return result;
}

async function extendOne(deps: InboundDeps, group: GroupCommit, meeting: Meeting, assistant: string, now: Date, mails: Map<string, Promise<StoredMail | undefined>>): Promise<number> {
  let mail = mails.get(meeting.messageId);
  if (!mail) {
    mail = storedMail(deps, meeting.messageId, now);
    mails.set(meeting.messageId, mail);
  }
  const stored = await mail;
  const event = stored?.parsed.calendars.flatMap((calendar) => calendar.events).find((e) => uidOf(e) === meeting.uid && (e.recurrenceId ?? '') === meeting.recurrenceId);
  if (!stored || !event) return 0;
  // Mail to the retired generic address keeps being decided as such (the check explains what to change).
  const retired = stored.recipients.find((address) => deps.retiredAssistantAddresses.includes(address.toLowerCase()));
  const { bodyText, bodyHtml } = stored.parsed;
  const invite: InviteContext = {
    now,
    companyId: meeting.companyId,
    assistantAddress: retired ?? assistant,
    requesterEmail: meeting.requestedBy ?? '',
    // Only mail from an authenticated sender is ever applied; this is that mail again.
    senderAuthenticated: true,
    messageId: meeting.messageId,
    method: meeting.method,
    ...(bodyText ? { bodyText } : {}),
    ...(bodyHtml ? { bodyHtml } : {}),
  };
  const writes = new InviteWrites(deps, group);
  const outcomes = await planNewOccurrences(writes.deps, invite, meeting.uid, event);
  await writes.commit();
  if (outcomes.length > 0) {
    deps.log.info({ uid: meeting.uid, companyId: meeting.companyId, occurrences: outcomes.map((o) => `${o.occurrence || o.startsAt} ${o.change}`) }, 'planned further occurrences of a recurring meeting');
  }
  return outcomes.filter((outcome) => outcome.change === 'new').length;
}

async function storedMail(deps: InboundDeps, messageId: string, now: Date): Promise<StoredMail | undefined> {
  const message = await deps.store.message(messageId);
  if (!message) return undefined;
  const parsed = await parseInviteEmail(message.raw, { horizonDays: deps.horizonDays, now, maxBytes: Math.max(deps.maxBytes, message.raw.length) });
  if ('error' in parsed) return undefined;
  return { parsed, recipients: message.recipients };
}

export interface SeriesExtension {
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

/**
 * Runs `extend` now and every `everyMs`, in one process at a time: the run holds a lease in the shared
 * store, so two `quorum serve` processes on PostgreSQL never plan the same occurrence twice.
 */
export function startSeriesExtension(extend: () => Promise<ExtensionResult>, leases: StoreLeases, log: Logger, everyMs = extensionIntervalMs): SeriesExtension {
  const holder = `series-extension:${randomUUID()}`;
  let running: Promise<void> | undefined;
  const run = (): void => {
    running ??= (async () => {
      const release = await leases.tryAcquire(leaseKey, holder).catch((error: unknown) => {
        log.error({ err: error }, 'could not take the series-extension lease');
        return undefined;
      });
      if (!release) {
        log.debug('another process is extending recurring meetings');
        return;
      }
      try {
        await extend();
      } catch (error) {
        log.error({ err: error }, 'extending recurring meetings failed');
      } finally {
        await release();
      }
    })().finally(() => {
      running = undefined;
    });
  };
  const first = setTimeout(run, 1_000);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
