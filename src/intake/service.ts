import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { LiveBus } from '../bus.js';
import type { Config } from '../config.js';
import type { IntakeMetrics } from '../metrics.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Database } from '../store/schema.js';
import type { DnsResolver } from './dns.js';
import { InboundMail } from './inbound.js';
import { MeetingsStore } from './meetings-store.js';
import { mailReader } from './parse-pool.js';
import { eligibilityPlanner } from './planner.js';
import type { CompanyDirectory, IntakePlanner } from './planner.js';
import { relayReplier } from './reply.js';
import type { Replier } from './reply.js';
import { startOutcomeNotices, type OutcomeNotices } from '../notify/outcome-notices.js';
import { StoreLeases } from '../store/leases.js';
import { startSeriesExtension } from './series-extension.js';
import { startSmtpServer } from './smtp-server.js';
import type { RunningSmtp } from './smtp-server.js';

export interface IntakeDeps {
  db: Kysely<Database>;
  sessions: SessionStore;
  scheduler: Scheduler;
  companies: CompanyDirectory;
  logger: Logger;
  /** Tests and the demo answer DNS from a table; unset: the system resolver. */
  dnsResolver?: DnsResolver;
  /** How many messages a parse thread reads at once; unset: ReadQueue's default. */
  parseReadWidth?: number;
  /** Another request path's planner; unset: the eligibility check with the company's settings. */
  planner?: IntakePlanner;
  replier?: Replier;
  metrics?: IntakeMetrics;
  /** This installation's consent link bases (ConsentOrigins); unset: no link in an invite is taken as ours. */
  consentBases?: () => readonly string[];
  /** Where each stored and finished message is announced (the console's live Invites view); unset: nowhere. */
  bus?: LiveBus;
}

export interface Intake {
  inbound: InboundMail;
  meetings: MeetingsStore;
  /** Undefined in a process that serves no SMTP (e.g. `quorum worker`). */
  smtp?: RunningSmtp;
  close(): Promise<void>;
}

function outcomeNotices(config: Config, deps: IntakeDeps, replier: Replier, bus: LiveBus, log: Logger): OutcomeNotices {
  const publicUrl = config.QUORUM_PUBLIC_URL?.replace(/\/+$/, '');
  return startOutcomeNotices({
    db: deps.db,
    bus,
    sessions: deps.sessions,
    replier,
    fromFor: async (companyId) => (await deps.companies.get(companyId))?.assistantAddress ?? config.QUORUM_MAIL_FROM,
    ...(publicUrl ? { sessionUrl: (id: string) => `${publicUrl}/console/#/sessions/${encodeURIComponent(id)}` } : {}),
    log,
  });
}

/** Builds the e-mail intake from the settings and, unless `smtp` is false, starts its SMTP server. */
export async function startIntake(config: Config, deps: IntakeDeps, options: { smtp: boolean }): Promise<Intake> {
  const log = deps.logger.child({ component: 'intake' });
  const meetings = new MeetingsStore(deps.db);
  const reader = mailReader(log, deps.dnsResolver, config.QUORUM_DNS_CACHE_SECONDS * 1000, deps.parseReadWidth);
  const replier = deps.replier ?? (config.QUORUM_SMTP_RELAY_URL ? relayReplier(config.QUORUM_SMTP_RELAY_URL, log) : undefined);
  const inbound = new InboundMail({
    ...(deps.bus ? { bus: deps.bus } : {}),
    store: meetings,
    sessions: deps.sessions,
    scheduler: deps.scheduler,
    planner: deps.planner ?? eligibilityPlanner({ companies: deps.companies, retiredAssistantAddresses: config.QUORUM_RETIRED_ASSISTANT_ADDRESSES }),
    companies: deps.companies,
    retiredAssistantAddresses: config.QUORUM_RETIRED_ASSISTANT_ADDRESSES,
    leadSeconds: config.QUORUM_LEAD_SECONDS,
    horizonDays: config.QUORUM_RECURRENCE_HORIZON_DAYS,
    maxBytes: config.QUORUM_SMTP_MAX_BYTES,
    mailFrom: config.QUORUM_MAIL_FROM,
    log,
    ...(deps.consentBases ? { consentBases: deps.consentBases } : {}),
    ...(deps.dnsResolver ? { resolver: deps.dnsResolver } : {}),
    reader,
    ...(replier ? { replier } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const smtp = options.smtp
    ? await startSmtpServer(inbound, {
        host: config.QUORUM_SMTP_HOST,
        port: config.QUORUM_SMTP_PORT,
        maxBytes: config.QUORUM_SMTP_MAX_BYTES,
        ...(config.QUORUM_SMTP_TLS_CERT ? { tlsCert: config.QUORUM_SMTP_TLS_CERT } : {}),
        ...(config.QUORUM_SMTP_TLS_KEY ? { tlsKey: config.QUORUM_SMTP_TLS_KEY } : {}),
        log,
      })
    : undefined;
  // Where mail arrives, recurring meetings are kept planned as the horizon moves on, and (at start, then with each
  // extension) messages a crash cut off are closed.
  const housekeeping = async () => {
    await inbound.failInterrupted().catch((error: unknown) => log.error({ err: error }, 'closing interrupted messages failed'));
    return inbound.extendSeries();
  };
  const extension = options.smtp ? startSeriesExtension(housekeeping, new StoreLeases(deps.db), log) : undefined;
  // Where mail is answered, requesters also hear how their meeting ended.
  const notices = options.smtp && replier && deps.bus && config.QUORUM_NOTIFY_REQUESTERS ? outcomeNotices(config, deps, replier, deps.bus, log) : undefined;
  return {
    inbound,
    meetings,
    ...(smtp ? { smtp } : {}),
    async close() {
      await extension?.stop();
      await notices?.close();
      await smtp?.close();
      await inbound.drain();
      await reader.close();
    },
  };
}
