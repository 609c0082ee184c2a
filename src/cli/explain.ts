import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Decision } from '../eligibility/check.js';
import type { ApiClient } from './client.js';
import { print } from './format.js';

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

/** A meeting URL, or an .ics file (any existing file is read as iCalendar text). */
function requestSource(target: string): { meetingUrl: string } | { ics: string } {
  if (existsSync(target)) return { ics: readFileSync(target, 'utf8') };
  return { meetingUrl: target };
}

/** `quorum explain <url|file.ics>`: the Decision a request would get, through `POST /v1/explain` (nothing is stored). */
export function registerExplainCommand(program: Command, client: () => ApiClient): void {
  program
    .command('explain <target>')
    .description('why a meeting would (not) be recorded: a meeting URL or an .ics file; stores nothing')
    .option('--company <id>', 'the company the request is for', 'default')
    .option('--requester <email>', 'who asks (omit with the admin token for an operator ad-hoc join)')
    .option('--at <iso>', 'meeting start (URL only; default now)')
    .option('--until <iso>', 'meeting end (URL only; default one hour after the start)')
    .option('--json', 'machine-readable output')
    .action(async (target: string, opts: { company: string; requester?: string; at?: string; until?: string; json?: boolean }) => {
      const body = { company: opts.company, ...requestSource(target), requesterEmail: opts.requester, startsAt: opts.at, endsAt: opts.until };
      const { decision } = await client().request<{ decision: Decision }>('POST', '/v1/explain', body);
      print(decision, Boolean(opts.json), () => formatDecision(decision));
      // Scripts can tell the answer from the exit code: 0 eligible, 2 not eligible (1 stays for errors).
      if (!decision.eligible) process.exitCode = 2;
    });
}
