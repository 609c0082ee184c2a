import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { Decision } from '../eligibility/check.js';
import type { ApiClient } from './client.js';
import { CliError } from './errors.js';
import { print } from './format.js';
import { isHttpUrl, isoTime } from './options.js';

/** The human form of a Decision: the verdict, what to change, then every rule with its outcome. */
export function formatDecision(decision: Decision): string {
  const head = `${decision.eligible ? 'eligible' : 'not eligible'}: ${decision.path} request, plan ${decision.plan}${decision.provider ? `, provider ${decision.provider}` : ''}`;
  const join = decision.joinUrl ? [`the bot would join ${decision.joinUrl}${decision.botJoin?.signedIn ? ' signed in' : ''}`] : [];
  const reasons = decision.reasons.map((reason) => `  ✗ ${reason.code}: ${reason.message}${reason.setting ? `\n      setting: ${reason.setting}` : ''}`);
  const checks = decision.checks.map((check) => {
    const mark = check.skipped ? '–' : check.passed ? '✓' : '✗';
    const skipped = check.skipped ? ` (${check.skipped.replace('_', ' ')})` : '';
    return `  ${mark} ${check.rule}${skipped}: ${check.message}`;
  });
  return [head, ...join, ...(reasons.length > 0 ? ['', 'to change:', ...reasons] : []), '', 'checks:', ...checks].join('\n');
}

/** A meeting URL, or an .ics file (an existing file is read as iCalendar text); anything else is a usage error. */
export function requestSource(target: string): { meetingUrl: string } | { ics: string } {
  if (existsSync(target)) return { ics: readCalendar(target) };
  if (isHttpUrl(target)) return { meetingUrl: target };
  const what = /\.ics$/i.test(target) ? `no such file: ${target}` : `${target} is neither a file nor a meeting URL`;
  throw new CliError(`${what}; give an .ics file or a meeting link such as https://meet.google.com/abc-defg-hij`, 'usage');
}

function readCalendar(path: string): string {
  if (statSync(path).isDirectory()) throw new CliError(`${path} is a directory; give an .ics file or a meeting URL`, 'usage');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, 'usage');
  }
  // The API would say the same, but about a field the operator never typed.
  if (!/BEGIN:VCALENDAR/i.test(text)) throw new CliError(`${path} is not an iCalendar file (no BEGIN:VCALENDAR line); export the invite as .ics`, 'usage');
  return text;
}

/** `quorum explain <url|file.ics>`: the Decision a request would get, through `POST /v1/explain` (nothing is stored). */
export function registerExplainCommand(program: Command, client: () => ApiClient): void {
  program
    .command('explain')
    .argument('<target>', 'a meeting URL or the path of an .ics file')
    .description('why a meeting would (not) be recorded: a meeting URL or an .ics file; stores nothing')
    .option('--company <id>', 'the company the request is for', 'default')
    .option('--requester <email>', 'who asks (omit with the admin token for an operator ad-hoc join)')
    .option('--at <iso>', 'meeting start, ISO 8601 with a zone (URL only; default now)', isoTime)
    .option('--until <iso>', 'meeting end, ISO 8601 with a zone (URL only; default one hour after the start)', isoTime)
    .option('--json', 'machine-readable output')
    .action(async (target: string, opts: { company: string; requester?: string; at?: string; until?: string; json?: boolean }) => {
      const body = { company: opts.company, ...requestSource(target), requesterEmail: opts.requester, startsAt: opts.at, endsAt: opts.until };
      const { decision } = await client().request<{ decision: Decision }>('POST', '/v1/explain', body);
      print(decision, Boolean(opts.json), () => formatDecision(decision));
      // Scripts can tell the answer from the exit code: 0 eligible, 2 not eligible (1 stays for errors).
      if (!decision.eligible) process.exitCode = 2;
    });
}
