import { Option, type Command } from 'commander';
import { providerIds } from '../eligibility/settings.js';
import { levelNumbers, type LogLine } from '../logging/session-log.js';
import type { Session } from '../sessions/session.js';
import { isEnded, sessionStates } from '../sessions/states.js';
import { ApiError, type ApiClient } from './client.js';
import { CliError, withAdvice } from './errors.js';
import { formatLogLine, formatSessionRow, print } from './format.js';
import { isoTime, meetingUrl, positiveInt } from './options.js';
import { registerShowCommand } from './show.js';

export type ClientFactory = () => ApiClient;

/** The commands that talk to a running Quorum over its HTTP API. */
export function registerClientCommands(program: Command, client: ClientFactory): void {
  registerJoinCommand(program, client);

  program
    .command('sessions')
    .description('list sessions, newest first')
    .addOption(new Option('--state <state>', 'only sessions in this state').choices(sessionStates))
    .addOption(new Option('--provider <provider>', 'only meetings of this provider').choices(providerIds))
    .option('--company <id>', 'only sessions of this company')
    .option('--limit <n>', 'how many', positiveInt, '50')
    .option('--json', 'machine-readable output')
    .action(async (opts: { state?: string; provider?: string; company?: string; limit: string; json?: boolean }) => {
      const query = new URLSearchParams({ limit: opts.limit });
      if (opts.state) query.set('state', opts.state);
      if (opts.provider) query.set('provider', opts.provider);
      if (opts.company) query.set('companyId', opts.company);
      const result = await client().request<{ sessions: Session[]; counts: Record<string, number> }>('GET', `/v1/sessions?${query.toString()}`);
      print(result, Boolean(opts.json), () => result.sessions.map(formatSessionRow).join('\n') || 'no sessions');
    });

  registerShowCommand(program, client);

  for (const action of ['retry', 'stop'] as const) {
    program
      .command(`${action} <id>`)
      .description(action === 'retry' ? 'start a new attempt of an ended session' : 'stop a running bot or cancel a planned join')
      .option('--reason <text>', 'written to the session timeline')
      .option('--json', 'machine-readable output')
      .action(async (id: string, opts: { reason?: string; json?: boolean }) => {
        const { session } = await client()
          .request<{ session: Session }>('POST', `/v1/sessions/${encodeURIComponent(id)}/${action}`, { reason: opts.reason })
          .catch((error: unknown) => Promise.reject(withHint(error, { 409: conflictHints[action](id) })));
        print(session, Boolean(opts.json), () => `${action} accepted: session ${session.id} is ${session.state} (attempt ${session.attempt})`);
      });
  }

  program
    .command('logs <id>')
    .description("a session's log lines, all of them (fetched page by page); --follow then streams new ones until the session ends")
    .option('--follow', 'keep streaming')
    .addOption(new Option('--level <level>', 'minimum level').choices(Object.keys(levelNumbers)))
    .option('--json', 'one JSON line per log line')
    .action(async (id: string, opts: { follow?: boolean; level?: string; json?: boolean }) => {
      const api = client();
      const show = (line: LogLine) => writeOut(opts.json ? `${JSON.stringify(line)}\n` : `${formatLogLine(line)}\n`);
      const levelQuery = opts.level ? `level=${encodeURIComponent(opts.level)}` : '';
      const lastId = await printHistory(api, id, levelQuery, show);
      if (opts.follow) await followUntilEnded(api, id, levelQuery, lastId, (line) => void show(line));
    });
}

interface JoinOptions {
  at?: string;
  until?: string;
  company: string;
  requester?: string;
  title?: string;
  json?: boolean;
}

/** `quorum join <url>`: a recording request, as the API's `POST /v1/companies/:id/recording-requests` takes it. */
function registerJoinCommand(program: Command, client: ClientFactory): void {
  program
    .command('join')
    .argument('<url>', 'the meeting link, e.g. https://meet.google.com/abc-defg-hij', meetingUrl)
    .description('ask Quorum to record a meeting link (now, or at --at)')
    .option('--at <iso>', 'meeting start time (ISO 8601 with a zone, e.g. 2030-01-31T14:00:00Z); default now', isoTime)
    .option('--until <iso>', 'meeting end time (ISO 8601 with a zone); default one hour after the start', isoTime)
    .option('--company <id>', 'company to record for', 'default')
    .option('--requester <email>', "who asks for the recording (a company user; needed with a company's token, omit with the admin token for an operator ad-hoc join)")
    .option('--title <title>', 'meeting title')
    .option('--json', 'machine-readable output: the session, with `existing: true` when it was already planned')
    .action(async (url: string, opts: JoinOptions) => {
      const body = { meetingUrl: url, startsAt: opts.at, endsAt: opts.until, title: opts.title, requesterEmail: opts.requester };
      const path = `/v1/companies/${encodeURIComponent(opts.company)}/recording-requests`;
      const { session, existing } = await client()
        .request<{ session: Session; existing?: boolean }>('POST', path, body)
        .catch((error: unknown) => Promise.reject(joinHint(error, url, opts)));
      print({ ...session, existing: existing === true }, Boolean(opts.json), () =>
        existing
          ? `session ${session.id} is already planned for this meeting (${session.state}): the bot joins at ${session.joinAt}`
          : `scheduled session ${session.id}: the bot joins at ${session.joinAt}`,
      );
    });
}

/** A refused join says how to see why (the same request to `quorum explain`); a missing requester names the option. */
function joinHint(error: unknown, url: string, opts: JoinOptions): unknown {
  const company = opts.company === 'default' ? '' : ` --company ${opts.company}`;
  const requester = opts.requester === undefined ? '' : ` --requester ${opts.requester}`;
  const explain = `\`quorum explain ${url}${company}${requester}\` shows every rule and what to change`;
  // The API's 400 when a company token names nobody (src/companies/requests.ts): the CLI has the option for it.
  const noRequester = error instanceof ApiError && error.status === 400 && opts.requester === undefined && error.message.startsWith('requesterEmail:');
  const hints: Record<number, string> = { 422: explain };
  if (noRequester) hints[400] = 'pass `--requester <email>` naming who asks for the recording';
  return withHint(error, hints);
}

/** What to do when retry or stop does not fit the session's state (the API answers 409). */
const conflictHints = {
  retry: (id: string) => `to start over, stop it first (\`quorum stop ${id}\`), then retry`,
  stop: (id: string) => `nothing to stop; \`quorum retry ${id}\` starts a new attempt`,
};

/** Adds what to do to an API error of one of the given statuses; other errors pass unchanged. */
function withHint(error: unknown, byStatus: Record<number, string>): unknown {
  if (!(error instanceof ApiError)) return error;
  const advice = byStatus[error.status];
  return advice ? new ApiError(error.status, withAdvice(error.message, advice), error.code, error.details) : error;
}

/** Lines per request when printing a session's history. */
const historyPage = 5000;

/** Writes to stdout, waiting when the reader is slower than us, so a long log is never held in memory. */
function writeOut(text: string): Promise<void> | undefined {
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}

/** Prints every stored line, one page after another (`after=<last id>`); returns the last line's id. */
async function printHistory(api: ApiClient, id: string, levelQuery: string, show: (line: LogLine) => Promise<void> | undefined): Promise<number> {
  let after = 0;
  for (;;) {
    const query = `after=${after}&limit=${historyPage}${levelQuery ? `&${levelQuery}` : ''}`;
    const page = await api.request<{ lines: LogLine[]; more?: boolean }>('GET', `/v1/sessions/${encodeURIComponent(id)}/logs?${query}`);
    for (const line of page.lines) await show(line);
    after = page.lines.at(-1)?.id ?? after;
    // `more` is absent from an older server's answer: a full page then means there may be more.
    if (!(page.more ?? page.lines.length === historyPage)) return after;
  }
}

/** Streams the lines after `afterId` (the history already printed) until the session has ended. */
async function followUntilEnded(api: ApiClient, id: string, levelQuery: string, afterId: number, show: (line: LogLine) => void): Promise<void> {
  const path = `/v1/sessions/${encodeURIComponent(id)}`;
  await api.request<{ session: Session }>('GET', path);
  const stream = api.followLogs(id, `?after=${afterId}${levelQuery ? `&${levelQuery}` : ''}`, (line) => show(line as LogLine));
  const watcher = setInterval(() => {
    api
      .request<{ session: Session }>('GET', path)
      .then(({ session }) => {
        // Give the last lines a moment to arrive after the session ends.
        if (isEnded(session.state)) setTimeout(() => process.exit(0), 1500);
      })
      .catch(() => undefined);
  }, 2000);
  await stream.finally(() => clearInterval(watcher));
  // The server closed the stream before the session ended (it stopped or restarted): not the end of the log.
  const { session } = await api.request<{ session: Session }>('GET', path);
  if (!isEnded(session.state)) throw new CliError(`Quorum at ${api.baseUrl} closed the live log stream while session ${id} is ${session.state}; run \`quorum logs ${id} --follow\` again`, 'stream_closed');
}
