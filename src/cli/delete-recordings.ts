import type { Command } from 'commander';
import type { DeletionResult } from '../recording/deletion.js';
import { ApiError, type ApiClient } from './client.js';
import { withAdvice } from './errors.js';
import { print } from './format.js';

/** `quorum delete-recordings <id> --reason R`: a session's recordings and failure evidence, deleted for good. */
export function registerDeleteRecordingsCommand(program: Command, client: () => ApiClient): void {
  program
    .command('delete-recordings <id>')
    .description("delete an ended session's recordings and failure evidence, from disk and from the store (a participant's erasure request, a recording made by mistake)")
    .requiredOption('--reason <text>', 'why (required; written to the session timeline)')
    .option('--json', 'machine-readable output (what was deleted)')
    .action(async (id: string, opts: { reason: string; json?: boolean }) => {
      const result = await client()
        .request<DeletionResult>('DELETE', `/v1/sessions/${encodeURIComponent(id)}/recordings`, { reason: opts.reason })
        .catch((error: unknown) => Promise.reject(withStopHint(error, id)));
      print(result, Boolean(opts.json), () => describeDeletion(result));
    });
}

/** The API answers 409 while the session runs: say which command ends it. */
function withStopHint(error: unknown, id: string): unknown {
  if (!(error instanceof ApiError) || error.status !== 409) return error;
  return new ApiError(error.status, withAdvice(error.message, `\`quorum stop ${id}\` ends it`), error.code, error.details);
}

export function describeDeletion(result: DeletionResult): string {
  if (result.artifacts === 0) return `session ${result.sessionId} has no recordings or evidence left to delete`;
  const missing = result.missing > 0 ? ` (${result.missing} already missing on disk)` : '';
  const kinds = [...new Set(result.deleted.map((a) => a.kind))].join(', ');
  return `deleted ${result.artifacts} ${result.artifacts === 1 ? 'file' : 'files'} (${kinds}; ${formatBytes(result.bytes)}) of session ${result.sessionId}${missing}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
