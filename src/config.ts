import { readFileSync } from 'node:fs';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().positive();
/** The spellings of a yes/no setting, in any case (`TRUE`, `Yes`): what shells, compose files and charts write. */
const flagWords = new Map([
  ['true', true],
  ['1', true],
  ['yes', true],
  ['false', false],
  ['0', false],
  ['no', false],
]);
const flag = z.union([z.boolean(), z.string(), z.number()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const word = flagWords.get(String(value).trim().toLowerCase());
  if (word !== undefined) return word;
  ctx.addIssue({ code: 'custom', message: `must be true, false, 1, 0, yes or no (any case), not ${JSON.stringify(value)}` });
  return z.NEVER;
});

/**
 * Display-name fragments of widely used notetaker bots (Recall's `bot_detection.using_participant_names`). Each is
 * specific enough not to match a person's name: `Otter.ai`, not `Otter` (Potter); no `Gong` or `Jamie`, both names.
 */
export const defaultOtherBotNames: readonly string[] = [
  'Otter.ai',
  'OtterPilot',
  'Fireflies',
  'Fathom',
  'Read.ai',
  'tl;dv',
  'tldv',
  'Avoma',
  'Notetaker',
  'Note Taker',
  'Meeting Bot',
  'Recall.ai',
  'Sembly',
  'MeetGeek',
  'Supernormal',
  'AI Notes',
];

function commaList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/**
 * Every setting Quorum reads, from `QUORUM_*` variables (or a JSON file named by QUORUM_CONFIG_FILE
 * holding the same names). Nothing else in Quorum reads process.env.
 */
export const configSchema = z.object({
  QUORUM_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  QUORUM_HTTP_PORT: port.default(8080),
  QUORUM_SMTP_PORT: port.default(2525),
  /** `quorum worker` serves only `/healthz` and `/metrics`, here (on QUORUM_HTTP_HOST), so its bots can be watched. */
  QUORUM_WORKER_HTTP_PORT: port.default(8081),
  /** Address the invite SMTP server listens on. */
  QUORUM_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Largest invite e-mail accepted (bytes); bigger mail is refused during the SMTP DATA phase. */
  QUORUM_SMTP_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** PEM certificate and key files; both set, the SMTP server offers STARTTLS (one alone is refused below). */
  QUORUM_SMTP_TLS_CERT: z.string().min(1).optional(),
  QUORUM_SMTP_TLS_KEY: z.string().min(1).optional(),
  /** Where replies to requesters are sent from here (smtp://host:port); unset: no replies are sent. */
  QUORUM_SMTP_RELAY_URL: z.string().regex(/^smtps?:\/\/[^/]+/, 'must be an smtp:// or smtps:// URL').optional(),
  /** Sender of replies when the company's assistant address cannot be used. */
  QUORUM_MAIL_FROM: z.email().default('quorum@localhost.localdomain'),
  /** With a relay: tell whoever asked for a recording how it ended (recorded, or not and why). */
  QUORUM_NOTIFY_REQUESTERS: flag.default(true),
  /**
   * Companies' webhook endpoints may be on loopback or private addresses (an integration on this machine or its
   * network). Off by default: a company token sets its own endpoints and must not reach the operator's network.
   */
  QUORUM_WEBHOOK_INTERNAL_TARGETS: flag.default(false),
  /** How long DNS answers for SPF, DKIM and DMARC are kept; 0 asks every time. */
  QUORUM_DNS_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Recurring invites are expanded into one planned session per occurrence this many days ahead. */
  QUORUM_RECURRENCE_HORIZON_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  /** Retired generic assistant addresses (comma-separated): still accepted, answered with the company's own address. */
  QUORUM_RETIRED_ASSISTANT_ADDRESSES: z
    .string()
    .default('')
    .transform((text) => text.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== '')),
  QUORUM_DATA_DIR: z.string().min(1).default('./data'),
  /** JSON file of company settings (`{"companies": [...]}`, the schema of PUT /v1/companies/:id), applied at every start. */
  QUORUM_COMPANIES_FILE: z.string().min(1).optional(),
  QUORUM_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  QUORUM_PUBLIC_URL: z.url().optional(),
  /** A choice on a static (personal room) consent link counts for a meeting starting within this many minutes. */
  QUORUM_CONSENT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  /** Key for hashing participants' addresses on the consent page; unset: derived from the admin token. */
  QUORUM_CONSENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  QUORUM_SECRETS_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Where CLI commands such as `quorum sessions` reach a running Quorum; defaults to this host's HTTP port. */
  QUORUM_API_URL: z.url().optional(),
  QUORUM_SIMULATE: flag.default(false),
  QUORUM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUORUM_LEAD_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Bots at once in this process; 0 makes it an API-only process in the scale-out mode. */
  QUORUM_CONCURRENCY: z.coerce.number().int().min(0).default(4),
  /** A running bot's hold on its session; another process ends it `worker_lost` once it lapses. */
  QUORUM_LEASE_SECONDS: z.coerce.number().int().min(3).default(60),
  /** Prefix of the BullMQ queue and pub/sub channels, so several installations can share one Redis. */
  QUORUM_REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _ only').default('quorum'),
  /**
   * Scale-out: how long a running join job's BullMQ lock lasts (renewed while the bot runs). Once it lapses (the
   * worker died, or Redis was away longer than this and came back with its data) the job runs again; the session's
   * state, not the lock, keeps a second bot out.
   */
  QUORUM_QUEUE_LOCK_SECONDS: z.coerce.number().int().min(1).default(60),
  QUORUM_BOTS_PER_BROWSER: z.coerce.number().int().positive().default(4),
  QUORUM_BOT_NAME: z.string().min(1).default('Quorum Assistant'),
  QUORUM_WAITING_ROOM_TIMEOUT_SECONDS: seconds.default(900),
  QUORUM_NOBODY_JOINED_TIMEOUT_SECONDS: seconds.default(600),
  QUORUM_ALONE_TIMEOUT_SECONDS: seconds.default(60),
  QUORUM_SILENCE_TIMEOUT_SECONDS: seconds.default(600),
  QUORUM_SILENCE_AFTER_SECONDS: z.coerce.number().int().min(0).default(1200),
  QUORUM_MAX_DURATION_SECONDS: seconds.default(14400),
  /** A bot that heard nothing in a meeting at least this long ends `no_audio` (failed), not with the meeting's code. */
  QUORUM_NO_AUDIO_SECONDS: seconds.default(60),
  /**
   * A bot that others are with but that receives no audio track with media for this long (joined but deaf) leaves
   * and rejoins at once, once per session; 0: it stays and ends `no_audio`.
   */
  QUORUM_DEAF_REJOIN_SECONDS: z.coerce.number().int().min(0).default(60),
  /**
   * Other notetaker bots, as comma-separated case-insensitive substrings of display names: participants whose name
   * contains one do not keep the bot in a meeting (the alone and nobody-joined rules); empty: everyone counts.
   */
  QUORUM_OTHER_BOT_NAMES: z.string().default(defaultOtherBotNames.join(',')).transform(commaList),
  QUORUM_STEP_TIMEOUT_SECONDS: seconds.default(30),
  QUORUM_RETRY_BACKOFF_SECONDS: z.coerce.number().min(0).default(5),
  QUORUM_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(20),
  /** A Zoom cloud-recorded meeting waits this long after its end for recording.completed, then ends `cloud_recording_missing`. */
  QUORUM_ZOOM_CLOUD_WAIT_SECONDS: seconds.default(86400),
  /** Zoom webhooks whose x-zm-request-timestamp is further than this from now are refused as stale. */
  QUORUM_ZOOM_WEBHOOK_WINDOW_SECONDS: seconds.default(300),
  /**
   * Origins besides Zoom's own hosts that cloud-recording downloads may reach (an egress proxy, a CDN Zoom
   * redirects to), e.g. `https://files.example.com`: the operator's choice, never a tenant's.
   */
  QUORUM_ZOOM_DOWNLOAD_ORIGINS: z
    .string()
    .default('')
    .transform(commaList)
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin))),
  /** Tries per cloud-recording file (network errors, 5xx) before the session ends `cloud_download_failed`. */
  QUORUM_ZOOM_DOWNLOAD_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /**
   * Days recordings and failure evidence are kept after their session ended, for companies whose settings name
   * no `retention` period; 0 keeps them for ever. Swept at start and every QUORUM_RETENTION_SWEEP_MINUTES.
   */
  QUORUM_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  /** Minutes between retention sweeps (src/recording/retention.ts); a sweep still running is not doubled. */
  QUORUM_RETENTION_SWEEP_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  /** Extra Chromium arguments for every bot, as a JSON array (e.g. host-resolver rules for an external simulator). */
  QUORUM_BROWSER_ARGS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        const value: unknown = JSON.parse(text);
        if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of strings' });
      return z.NEVER;
    }),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
}).superRefine((config, ctx) => {
  // One file alone used to start without STARTTLS, silently: the operator meant to offer it.
  const [cert, key] = [config.QUORUM_SMTP_TLS_CERT, config.QUORUM_SMTP_TLS_KEY];
  if (cert && !key) ctx.addIssue({ code: 'custom', path: ['QUORUM_SMTP_TLS_KEY'], message: 'not set, but QUORUM_SMTP_TLS_CERT is: STARTTLS needs both files (or neither)' });
  if (key && !cert) ctx.addIssue({ code: 'custom', path: ['QUORUM_SMTP_TLS_CERT'], message: 'not set, but QUORUM_SMTP_TLS_KEY is: STARTTLS needs both files (or neither)' });
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, unknown>;

/**
 * Settings whose empty value means something: an empty QUORUM_OTHER_BOT_NAMES is "no list, everyone counts".
 * For every other setting an empty value (`QUORUM_CONCURRENCY=` in a compose file) means unset, the default:
 * coerced, it was 0, which made a port random and a process with no bot slots.
 */
const emptyIsAValue: ReadonlySet<string> = new Set(['QUORUM_OTHER_BOT_NAMES']);

function isSet(key: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return emptyIsAValue.has(key) || typeof value !== 'string' || value.trim() !== '';
}

/** The settings of `source` that are set, known ones only (the environment holds much else). */
function setIn(source: Source): Source {
  const known = Object.keys(configSchema.shape);
  return Object.fromEntries(known.filter((key) => isSet(key, source[key])).map((key) => [key, source[key]]));
}

/** Parses the settings once; a bad value stops the start with a message that names the setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Source = {}): Config {
  const fromFile = env.QUORUM_CONFIG_FILE ? readConfigFile(env.QUORUM_CONFIG_FILE) : {};
  const result = configSchema.safeParse({ ...setIn(fromFile), ...setIn(env), ...overrides });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

function readConfigFile(path: string): Source {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`QUORUM_CONFIG_FILE: cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch (error) {
    throw new ConfigError(`QUORUM_CONFIG_FILE: ${path} is not a JSON object of settings: ${(error as Error).message}`);
  }
  refuseUnknownKeys(path, Object.keys(parsed));
  return parsed as Source;
}

/** A misspelt key in the file was dropped without a word, its setting left at the default: it stops the start. */
function refuseUnknownKeys(path: string, keys: readonly string[]): void {
  const known = Object.keys(configSchema.shape);
  const unknown = keys.filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const named = unknown.map((key) => {
    const near = closest(key, known);
    return near ? `${key} (did you mean ${near}?)` : key;
  });
  throw new ConfigError(`QUORUM_CONFIG_FILE: ${path} has unknown setting${unknown.length > 1 ? 's' : ''} ${named.join(', ')}; README.md lists the settings`);
}

/** The known name a few keystrokes from `key` (case aside), if one is. */
function closest(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toUpperCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(wanted, name);
    if (distance <= 3 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
