import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quorum } from '../../src/main.js';
import { cliOutcome } from '../helpers/cli.js';
import { adminToken, startTestQuorum } from '../helpers/quorum.js';
import { sessionWithFiles } from '../helpers/sessions.js';

const cli = cliOutcome;

describe('quorum delete-recordings', () => {
  let quorum: Quorum;
  let env: Record<string, string>;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    env = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken };
  });
  afterAll(async () => {
    await quorum?.close();
  });

  /** A planned session with a recording and a screenshot on disk; `ended`: it failed. */
  const withFiles = (ended: boolean) => sessionWithFiles(quorum, { bytes: [3 * 1024 * 1024, 512], ...(ended ? { endCode: 'no_audio' as const } : {}) });


  it('deletes an ended session’s files, says what went, and answers 0 the second time', async () => {
    const { session, files } = await withFiles(true);
    const done = await cli(['delete-recordings', session.id, '--reason', 'participant asked to be erased'], env);
    expect(done, JSON.stringify(done)).toMatchObject({ code: 0, stderr: '' });
    expect(done.stdout).toBe(`deleted 2 files (audio, screenshot; 3.0 MiB) of session ${session.id}\n`);
    for (const file of files) expect(existsSync(file)).toBe(false);
    const event = (await quorum.sessions.timeline(session.id)).find((e) => e.code === 'recordings_deleted');
    expect(event?.details).toMatchObject({ reason: 'participant asked to be erased', by: 'admin', artifacts: 2 });

    const again = await cli(['delete-recordings', session.id, '--reason', 'once more', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sessionId: session.id, artifacts: 0, bytes: 0 });
  });

  it('refuses a running session in one line naming the stop command, and needs --reason', async () => {
    const { session, files } = await withFiles(false);
    const refused = await cli(['delete-recordings', session.id, '--reason', 'too early'], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toBe(`quorum: session ${session.id} is scheduled: a bot may still be writing its recordings; stop it first; \`quorum stop ${session.id}\` ends it\n`);
    const json = await cli(['delete-recordings', session.id, '--reason', 'too early', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'conflict', status: 409 } });

    const noReason = await cli(['delete-recordings', session.id], env);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(/^error: required option '--reason <text>' not specified/);
    const unknown = await cli(['delete-recordings', 'no-such-session', '--reason', 'x'], env);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('session no-such-session not found; `quorum sessions` lists the sessions');
    for (const file of files) expect(existsSync(file)).toBe(true);
  });
});
