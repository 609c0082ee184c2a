import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

/** Keys whose values never reach a log line, wherever they appear in the bound or logged objects. */
export const redactPaths = [
  'password',
  'token',
  'secret',
  'authorization',
  'clientSecret',
  'sdkSecret',
  'webhookSecretToken',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  '*.clientSecret',
  '*.sdkSecret',
  '*.webhookSecretToken',
  '*.*.password',
  '*.*.token',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * Key names whose values are secrets at any depth: the fixed paths above stop two levels down and miss names like
 * `clientSecret` or `sdkKey` inside a logged settings object or an error's own properties.
 */
const secretKey = /password|passwd|passcode|passphrase|secret|authorization|cookie|credential|token$|(?:api|sdk|private|access|signing)_?key$/i;
/**
 * Token-like query parameters inside logged strings (URLs with `?token=`, Zoom's `download_token`), and the meeting
 * passcodes join links carry (Zoom's `pwd`, Teams' `p`): a log line must not open the meeting.
 */
const secretParam = /([?&](?:token|access_token|download_token|pwd|p)=)[^&#\s"']+/gi;
const censor = '[redacted]';
const maxDepth = 12;

/**
 * A copy of a logged object with every secret-named key censored, however deep: errors are serialized first (so
 * their own properties are walked too) and strings lose token-like query parameters. Runs before pino's
 * serializers and fixed-path redaction, which still apply.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.includes('=') ? value.replace(secretParam, `$1${censor}`) : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth || seen.has(value)) return '[omitted]';
  seen.add(value);
  if (value instanceof Error) return redactDeep(pino.stdSerializers.err(value), depth + 1, seen);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  return Object.fromEntries(entries.map(([key, child]) => [key, secretKey.test(key) && child !== undefined && child !== null ? censor : redactDeep(child, depth + 1, seen)]));
}

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Extra destinations, e.g. the session log sink, which receives every line at debug level and up. */
  sinks?: DestinationStream[];
  /** Where human-facing lines go; defaults to stdout. */
  console?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const streams = [
    { level: options.level === 'silent' ? ('fatal' as const) : options.level, stream: options.console ?? process.stdout },
    ...(options.sinks ?? []).map((stream) => ({ level: 'debug' as const, stream })),
  ];
  const consoleOff = options.level === 'silent';
  return pino(
    {
      level: 'debug',
      base: undefined,
      redact: { paths: redactPaths, censor },
      formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
      // redactDeep has already serialized errors; pino's own serializer would serialize the copy again, as type "Object".
      serializers: { err: (value: unknown) => (value instanceof Error ? pino.stdSerializers.err(value) : value) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(consoleOff ? streams.slice(1) : streams),
  );
}

export interface SessionBindings {
  sessionId: string;
  companyId: string;
  provider: string;
  attempt: number;
}

/** Every line a bot writes carries these four keys, bound once; the session log sink keys storage on them. */
export function sessionLogger(root: Logger, bindings: SessionBindings): Logger {
  return root.child({
    sessionId: bindings.sessionId,
    companyId: bindings.companyId,
    provider: bindings.provider,
    attempt: bindings.attempt,
  });
}
