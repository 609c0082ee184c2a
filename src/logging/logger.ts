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
      redact: { paths: redactPaths, censor: '[redacted]' },
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
