import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redactDeep } from '../../src/logging/logger.js';
import { serverRoots, tenantText, tenantView } from '../../src/logging/tenant-view.js';

/** An error as the session log stores it: through the logger's own serializers, with a real stack. */
function storedError(): Record<string, unknown> {
  const cause = Object.assign(new Error(`EACCES: permission denied, open '${join(process.cwd(), 'data', 'artifacts', 's1', 'attempt-1.webm')}'`), { code: 'EACCES' });
  const error = Object.assign(new Error('could not save the recording', { cause }), { code: 'E_SAVE', endCode: 'storage_full' });
  return JSON.parse(JSON.stringify(redactDeep({ err: error, errors: [pino.stdSerializers.errWithCause(error)] }))) as Record<string, unknown>;
}

describe('the tenant view of a log line', () => {
  it('drops every stack, at any depth, and keeps the type, message and codes', () => {
    const stored = storedError();
    expect(JSON.stringify(stored)).toContain('"stack"');
    const view = tenantView(stored);
    const text = JSON.stringify(view);
    expect(text).not.toContain('"stack"');
    expect(text).not.toContain(process.cwd());
    expect(text).not.toMatch(/\n\s+at /);
    expect(view.err).toMatchObject({ type: 'Error', code: 'E_SAVE', endCode: 'storage_full' });
    expect((view.err as { message: string }).message).toBe("could not save the recording: EACCES: permission denied, open '…/attempt-1.webm'");
    // `errWithCause` keeps the cause as an object: its stack goes too, its code stays.
    expect(view).toMatchObject({ errors: [{ cause: { type: 'Error', code: 'EACCES' } }] });
  });

  it('leaves the stored object as it was', () => {
    const stored = storedError();
    const before = JSON.stringify(stored);
    tenantView(stored);
    expect(JSON.stringify(stored)).toBe(before);
  });

  it('removes server paths, file URLs, node frames and frame lines from strings', () => {
    const roots = ['/srv/quorum', '/app'];
    const cases: Array<[string, string]> = [
      ['at run (/srv/quorum/dist/src/runner/bot-run.js:123:5)', 'at run (…/bot-run.js)'],
      ['loaded file:///srv/quorum/dist/src/main.js:10:3 first', 'loaded …/main.js first'],
      ['in node:internal/process/task_queues:95:5', 'in [node internals]'],
      ['emitted at node:events:517:28', 'emitted at [node internals]'],
      ['cwd is /app', 'cwd is …/app'],
      ['bundle /app/server.js:4', 'bundle …/server.js'],
      ["open '/var/lib/quorum/artifacts/s1/attempt-1.webm'", "open '…/attempt-1.webm'"],
      ['launch failed: --user-data-dir=/tmp/profile-1 --headless', 'launch failed: --user-data-dir=…/profile-1 --headless'],
      ['TypeError: x is undefined\n    at f (/srv/quorum/a.js:1:2)\n    at node:internal/main:3:4', 'TypeError: x is undefined'],
    ];
    for (const [input, expected] of cases) expect(tenantText(input, { roots })).toBe(expected);
  });

  it('keeps what is not a server path: meeting links, URLs, words with slashes', () => {
    const roots = ['/app'];
    for (const text of [
      'https://meet.google.com/abc-defg-hij',
      'https://teams.microsoft.com/l/meetup-join/19%3ameeting/0?context=%7b%7d',
      'https://example.com/app/settings',
      'mic and/or camera blocked',
      'waiting 2/3 attempts',
      'node:fs was not found',
      '/application is not a root',
    ]) {
      expect(tenantText(text, { roots })).toBe(text);
    }
  });

  it('takes the install directory and the working directory as the server roots by default', () => {
    expect(serverRoots()).toContain(process.cwd());
    expect(tenantText(`bad ${process.cwd()}`)).toBe(`bad …/${process.cwd().split('/').at(-1) ?? ''}`);
  });
});
