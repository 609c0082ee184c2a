import { Option, type Command } from 'commander';
import type { EventOutcome } from '../intake/outcomes.js';
import type { InboundResult } from '../intake/inbound.js';
import type { MessageStatus, MessageSummary } from '../intake/meetings-store.js';
import type { ClientFactory } from './commands.js';
import { print } from './format.js';
import { positiveInt } from './options.js';

/** The statuses `GET /v1/inbound/messages?status` filters by (MessageStatus). */
const messageStatuses = ['received', 'processed', 'rejected', 'failed'] as const satisfies readonly MessageStatus[];

function messageRow(message: MessageSummary): string {
  const cells = [message.id, message.receivedAt.slice(0, 19).replace('T', ' '), message.status.padEnd(9), message.from ?? message.mailFrom ?? '-', message.subject ?? '-', message.error ?? ''];
  return cells.join('  ').trimEnd();
}

/** One line per event and occurrence: what was applied and, for each occurrence, planned or why not. */
function eventLines(events: EventOutcome[]): string[] {
  return events.flatMap((event) => [
    `${event.title ?? event.uid}: ${event.result} (sequence ${event.sequence})`,
    ...event.occurrences.map((o) => `  ${o.startsAt}  ${o.change.padEnd(9)} ${o.sessionId ?? ''} ${(o.decision?.reasons ?? []).map((r) => r.code).join(', ')}`.trimEnd()),
  ]);
}

/** `quorum inbound …`: the invite e-mails Quorum received, and running one through again. */
export function registerInboundCommands(program: Command, client: ClientFactory): void {
  const inbound = program.command('inbound').description('invite e-mails received (admin token)');
  inbound
    .command('list')
    .description('received invite e-mails, newest first')
    .addOption(new Option('--status <status>', 'only messages with this status').choices(messageStatuses))
    .option('--limit <n>', 'how many', positiveInt, '50')
    .option('--json', 'machine-readable output')
    .action(async (opts: { status?: string; limit: string; json?: boolean }) => {
      const query = new URLSearchParams({ limit: opts.limit, ...(opts.status ? { status: opts.status } : {}) });
      const result = await client().request<{ messages: MessageSummary[] }>('GET', `/v1/inbound/messages?${query.toString()}`);
      print(result, Boolean(opts.json), () => result.messages.map(messageRow).join('\n') || 'no messages');
    });
  inbound
    .command('show <id>')
    .description("one message's envelope and outcome: each event, each occurrence planned or why not")
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const message = await client().request<MessageSummary & { outcome: { events?: EventOutcome[] } | null }>('GET', `/v1/inbound/messages/${encodeURIComponent(id)}`);
      print(message, Boolean(opts.json), () => [messageRow(message), '', ...eventLines(message.outcome?.events ?? [])].join('\n'));
    });
  inbound
    .command('reprocess <id>')
    .description('run a stored message through intake again (after an internal error, or after changing settings)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const result = await client().request<InboundResult>('POST', `/v1/inbound/messages/${encodeURIComponent(id)}/reprocess`, {}, { acceptStatuses: [422, 500] });
      print(result, Boolean(opts.json), () => [`${result.id}: ${result.status}${result.rejection ? ` (${result.rejection.code})` : ''}`, ...eventLines(result.events)].join('\n'));
    });
}
