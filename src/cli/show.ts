import type { Command } from 'commander';
import type { Decision } from '../eligibility/check.js';
import type { Attempt, Session, TimelineEvent } from '../sessions/session.js';
import type { ApiClient } from './client.js';
import { formatDateTime, formatEvent, formatSessionRow, formatTime, print } from './format.js';

/** What `GET /v1/sessions/:id` answers, as far as `quorum show` reads it. */
export interface SessionDetail {
  session: Session;
  /** Null for a session planned without one (an older row). */
  decision?: Decision | null;
  attempts?: Attempt[];
  timeline: TimelineEvent[];
  artifacts: Array<{ kind: string; path: string }>;
}

/** `quorum show <id>`: the session, the Decision it was planned on, its attempts, timeline and artifacts. */
export function registerShowCommand(program: Command, client: () => ApiClient): void {
  program
    .command('show <id>')
    .description("a session's Decision, attempts, timeline and artifacts (times in UTC)")
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const detail = await client().request<SessionDetail>('GET', `/v1/sessions/${encodeURIComponent(id)}`);
      print(detail, Boolean(opts.json), () => formatDetail(detail));
    });
}

/** The human form of a session's detail: every time is `YYYY-MM-DD HH:MM:SS` in UTC, and each heading says so. */
export function formatDetail(detail: SessionDetail): string {
  const { session } = detail;
  const requested = session.requestedBy ? `; requested by ${session.requestedBy}` : '';
  const when = `meeting ${formatDateTime(session.startsAt)} to ${formatDateTime(session.endsAt)} UTC; the bot joins at ${formatDateTime(session.joinAt)} UTC${requested}`;
  const attempts = detail.attempts ?? [];
  return [
    formatSessionRow(session),
    when,
    '',
    ...formatDecisionSummary(detail.decision ?? null),
    '',
    `attempts (UTC): ${attempts.length}`,
    ...attempts.map((attempt) => `  ${formatAttempt(attempt)}`),
    '',
    `timeline (UTC): ${detail.timeline.length} event(s)`,
    ...detail.timeline.map((event) => `  ${formatEvent(event, formatDateTime)}`),
    '',
    `artifacts: ${detail.artifacts.length}`,
    ...detail.artifacts.map((a) => `  ${a.kind}: ${a.path}`),
  ].join('\n');
}

/** `#2  retry  started … admitted … ended …  end code  worker`: a time of the start's day shows without its date. */
export function formatAttempt(attempt: Attempt): string {
  const started = attempt.startedAt ?? attempt.createdAt;
  const day = started.slice(0, 10);
  const at = (iso: string | null) => (iso === null ? '-' : iso.slice(0, 10) === day ? formatTime(iso) : formatDateTime(iso));
  const cells = [
    `#${attempt.number}`,
    attempt.reason.padEnd(8),
    `${attempt.startedAt === null ? 'created' : 'started'} ${formatDateTime(started)}`,
    `admitted ${at(attempt.admittedAt)}`,
    `ended ${at(attempt.endedAt)}`,
    attempt.endCode ?? (attempt.endedAt === null ? 'not ended' : 'no end code'),
    `worker ${attempt.workerId ?? '-'}`,
  ];
  return cells.join('  ');
}

/** The verdict and only the rules worth reading: those that failed and those skipped (with why). */
export function formatDecisionSummary(decision: Decision | null): string[] {
  if (decision === null) return ['decision: none stored with this session'];
  const plan = `${decision.path} request, plan ${decision.plan}${decision.provider ? `, provider ${decision.provider}` : ''}`;
  const failed = decision.checks.filter((check) => !check.passed && !check.skipped);
  const skipped = decision.checks.filter((check) => check.skipped);
  return [
    `decision: ${decision.eligible ? 'eligible' : 'not eligible'} (${plan}); ${failed.length} rule(s) failed, ${skipped.length} skipped`,
    ...failed.map((check) => `  ✗ ${check.rule}: ${check.message}`),
    ...skipped.map((check) => `  – ${check.rule} (${check.skipped?.replace('_', ' ') ?? ''}): ${check.message}`),
  ];
}
