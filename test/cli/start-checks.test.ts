import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOutcome as cli, runCli, type CliOutcome } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';

/** A refused start: exit 1, one line on stderr naming what to fix, nothing on stdout, no stack trace. */
function expectOneLine(outcome: CliOutcome, text: string): void {
  const shown = JSON.stringify(outcome);
  expect(outcome.code, shown).toBe(1);
  expect(outcome.stdout, shown).toBe('');
  expect(outcome.stderr.trimEnd().split('\n'), shown).toHaveLength(1);
  expect(outcome.stderr, shown).toContain(text);
  expect(outcome.stderr, shown).not.toMatch(/\n\s+at |unexpected error/);
}

describe('quorum serve and worker refuse a start that could not work, naming the setting', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'quorum-start-checks-'));
  const serveEnv = () => ({ QUORUM_DATA_DIR: mkdtempSync(join(tmp, 'data-')), QUORUM_HTTP_PORT: '0', QUORUM_SMTP_PORT: '0', QUORUM_LOG_LEVEL: 'silent' });

  it('no bot slots in the embedded mode, no Chromium, a misspelt config key, a bad yes/no value', async () => {
    const missing = join(tmp, 'no-chromium');
    const [closedA, closedB] = [await freePort(), await freePort()];
    const file = join(tmp, 'quorum.json');
    writeFileSync(file, JSON.stringify({ QUORUM_CONCURENCY: 2 }));
    const [idle, noChromium, workerNoChromium, misspelt, flag] = await Promise.all([
      cli(['serve'], { ...serveEnv(), QUORUM_CONCURRENCY: '0' }),
      cli(['serve', '--simulate'], { ...serveEnv(), CHROMIUM_PATH: missing }),
      // Before any connection: the database and Redis named here are not running.
      cli(['worker'], { ...serveEnv(), CHROMIUM_PATH: missing, DATABASE_URL: `postgres://quorum@127.0.0.1:${closedA}/quorum`, REDIS_URL: `redis://127.0.0.1:${closedB}` }),
      cli(['serve'], { ...serveEnv(), QUORUM_CONFIG_FILE: file }),
      cli(['serve'], { ...serveEnv(), QUORUM_SIMULATE: 'maybe' }),
    ]);
    expectOneLine(idle, 'quorum: QUORUM_CONCURRENCY=0 runs no bots, and in the embedded mode (no DATABASE_URL and REDIS_URL) no other process does; set it to 1 or more');
    const install = "and need Chromium: install Debian's chromium package (`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium executable";
    expectOneLine(noChromium, `quorum: CHROMIUM_PATH: ${missing} does not exist; bots run in this process (QUORUM_CONCURRENCY=4) ${install}`);
    expectOneLine(workerNoChromium, `quorum: CHROMIUM_PATH: ${missing} does not exist`);
    expectOneLine(misspelt, `quorum: QUORUM_CONFIG_FILE: ${file} has unknown setting QUORUM_CONCURENCY (did you mean QUORUM_CONCURRENCY?)`);
    expect(flag.stderr).toContain('QUORUM_SIMULATE: must be true, false, 1, 0, yes or no (any case), not "maybe"');
  });

  it('one STARTTLS file without the other, or one that cannot be read', async () => {
    const missing = join(tmp, 'missing.pem');
    const [alone, unreadable] = await Promise.all([
      cli(['serve'], { ...serveEnv(), QUORUM_SMTP_TLS_CERT: missing }),
      cli(['serve'], { ...serveEnv(), QUORUM_SMTP_TLS_CERT: missing, QUORUM_SMTP_TLS_KEY: missing }),
    ]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toBe('quorum: Invalid configuration:\n  QUORUM_SMTP_TLS_KEY: not set, but QUORUM_SMTP_TLS_CERT is: STARTTLS needs both files (or neither)\n');
    expectOneLine(unreadable, `quorum: QUORUM_SMTP_TLS_CERT: cannot read ${missing} (no such file); SMTP STARTTLS needs a readable PEM file`);
  });

  it('shows a generated admin token on the first start that succeeds, even after a first start that failed', async () => {
    const dataDir = mkdtempSync(join(tmp, 'token-'));
    const busy = createTcpServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = String((busy.address() as { port: number }).port);
    // Empty values are unset: the default concurrency and simulate, not 0 and false by coercion.
    const env = { QUORUM_DATA_DIR: dataDir, QUORUM_SMTP_PORT: '0', QUORUM_LOG_LEVEL: 'silent', QUORUM_CONCURRENCY: '', QUORUM_SIMULATE: '' };
    try {
      expectOneLine(await cli(['serve'], { ...env, QUORUM_HTTP_PORT: busyPort }), 'the port is already in use');
    } finally {
      busy.close();
    }
    expect(existsSync(join(dataDir, 'admin-token'))).toBe(false);

    const port = String(await freePort());
    const second = runCli(['serve'], { ...env, QUORUM_HTTP_PORT: port });
    await second.waitFor(`Admin API token (generated, kept in ${dataDir}/admin-token):`);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    await second.waitFor(`\n  ${token}\n`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Shown once: a later start uses the kept token and does not print it again.
    const third = runCli(['serve'], { ...env, QUORUM_HTTP_PORT: port, QUORUM_LOG_LEVEL: 'info' });
    await third.waitFor('Quorum is serving');
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(third.output()).not.toContain(token);
    expect(third.output()).not.toContain('Admin API token');
  });
});
