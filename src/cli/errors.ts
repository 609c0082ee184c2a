import { ConfigError } from '../config.js';
import { UnreachableError } from '../dependency-error.js';

/** A failure the operator can act on: one line saying what is wrong and what to do; `code` is for scripts. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** Extra fields of the `--json` error (e.g. the Decision of a refused join). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ErrorReport {
  code: string;
  message: string;
  [key: string]: unknown;
}

interface SystemError {
  code?: string;
  address?: string;
  port?: number;
  syscall?: string;
}

/** What went wrong in the operator's terms; anything unexpected keeps its name so a bug report can name it. */
export function describeError(error: unknown): ErrorReport {
  if (error instanceof CliError) return { code: error.code, message: error.message, ...error.details };
  if (error instanceof ConfigError) return { code: 'invalid_config', message: error.message };
  if (error instanceof UnreachableError) return { code: 'unreachable_dependency', message: error.message, service: error.service };
  const system = error as SystemError;
  if (system?.syscall === 'listen' && system.code) return { code: 'listen_failed', message: listenMessage(system) };
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'internal', message: `unexpected error: ${text}` };
}

/**
 * Why a server could not listen, naming the setting or option that chose the address (`settings` maps a
 * port to it, e.g. `{ 8080: 'QUORUM_HTTP_PORT' }`).
 */
export function listenMessage(error: SystemError, settings: Record<number, string> = {}): string {
  const where = `${error.address ?? '127.0.0.1'}:${error.port ?? '?'}`;
  const setting = error.port === undefined ? undefined : settings[error.port];
  const named = setting ? ` (${setting})` : '';
  const fix = !setting ? 'choose a free port' : setting.startsWith('--') ? `pass a free ${setting}` : `set ${setting} to a free port`;
  if (error.code === 'EADDRINUSE') return `cannot listen on ${where}${named}: the port is already in use (another Quorum?); stop that program or ${fix}`;
  if (error.code === 'EACCES') return `cannot listen on ${where}${named}: permission denied (ports below 1024 need privileges); ${fix}`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}${named}: this machine has no such address; check QUORUM_HTTP_HOST`;
  return `cannot listen on ${where}${named}: ${error.code ?? 'failed'}`;
}

/** Turns a listen failure into a CliError naming the setting; other errors pass through unchanged. */
export function explainListenError(error: unknown, settings: Record<number, string>): unknown {
  const system = error as SystemError;
  return system?.syscall === 'listen' && system.code ? new CliError(listenMessage(system, settings), 'listen_failed') : error;
}

/**
 * Whether the operator asked for machine output. Read from argv, not from commander, because usage errors
 * happen before any option is parsed; arguments after `--` are values, not options.
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Appends what to do to a message, as one sentence: `what is wrong; what to do`. */
export function withAdvice(message: string, advice: string): string {
  return `${message.replace(/\.$/, '')}; ${advice}`;
}

/** One line on stderr, or `{"error": {code, message, …}}` on stdout with `--json` (where a script reads). */
export function reportError(report: ErrorReport, json: boolean, out: { stdout: (text: string) => void; stderr: (text: string) => void }): void {
  if (json) out.stdout(`${JSON.stringify({ error: report }, null, 2)}\n`);
  else out.stderr(`quorum: ${report.message}\n`);
}
