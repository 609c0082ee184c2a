import type { LogLine } from '../logging/session-log.js';
import type { Session, TimelineEvent } from '../sessions/session.js';

const levelNames: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `HH:MM:SS` of an ISO time, in UTC: for lines of one live run (the demo, log lines) where the day is today. */
export function formatTime(iso: string): string {
  return iso.slice(11, 19);
}

/** `YYYY-MM-DD HH:MM:SS` of an ISO time, in UTC (the caller says so once, in a heading or a suffix). */
export function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function formatLogLine(line: LogLine): string {
  const { msg: _msg, level: _level, time: _time, sessionId: _s, companyId: _c, provider: _p, attempt: _a, ...rest } = line.data;
  if (rest['err']) rest['err'] = briefError(rest['err']);
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${formatTime(line.at)} ${(levelNames[line.level] ?? String(line.level)).padEnd(5)} #${line.attempt} ${line.msg}${extra}`;
}

/** An error in a human log line: its type and message; the stack stays in `--json` (and the API) for bug reports. */
function briefError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const { type, message } = err as { type?: unknown; message?: unknown };
  return typeof message === 'string' ? `${typeof type === 'string' ? `${type}: ` : ''}${message}` : err;
}

/** One timeline event; `time` formats its moment (`formatDateTime` where events may span days). */
export function formatEvent(event: TimelineEvent, time: (iso: string) => string = formatTime): string {
  const move = event.to ? `${event.from ?? '∅'} → ${event.to}` : '(note)';
  const details = event.details ? ` ${JSON.stringify(event.details)}` : '';
  return `${time(event.at)}  #${event.attempt}  ${move.padEnd(34)} ${event.code}${details}`;
}

export function formatSessionRow(session: Session): string {
  const cells = [
    session.id,
    session.state.padEnd(12),
    (session.endCode ?? '').padEnd(22),
    session.provider.padEnd(5),
    `#${session.attempt}`,
    session.startsAt.slice(0, 16).replace('T', ' '),
    session.title ?? session.meetingUrl,
  ];
  return cells.join('  ');
}

/** A command's answer: its JSON with `--json`, else the human lines. */
export function print(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
