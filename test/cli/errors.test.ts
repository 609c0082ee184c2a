import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLogLine } from '../../src/cli/format.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { cliOutcome, type CliOutcome } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { adminToken, startTestQuorum } from '../helpers/quorum.js';
import { inMinutes, newSessionInput, testDatabaseUrl } from '../helpers/store.js';

const cli = cliOutcome;

/** A string is looked for as it is; a RegExp is matched. */
function expectText(actual: string, text: string | RegExp, shown: string): void {
  if (typeof text === 'string') expect(actual, shown).toContain(text);
  else expect(actual, shown).toMatch(text);
}

/** An operator's error: exit 1, one line on stderr, nothing on stdout, no stack trace, no `[object Object]`. */
function expectOneLine(outcome: CliOutcome, text: string | RegExp): void {
  const shown = JSON.stringify(outcome);
  expect(outcome.code, shown).toBe(1);
  expect(outcome.stdout, shown).toBe('');
  expect(outcome.stderr.trimEnd().split('\n'), shown).toHaveLength(1);
  expect(outcome.stderr, shown).toMatch(/^quorum: /);
  expectText(outcome.stderr, text, shown);
  expect(outcome.stderr, shown).not.toMatch(/\n\s+at |\[object Object\]/);
}

/** A usage error: commander's `error: …` line and where to get help, not the whole help text. */
function expectUsage(outcome: CliOutcome, text: string | RegExp): void {
  const shown = JSON.stringify(outcome);
  expect(outcome.code, shown).toBe(1);
  expect(outcome.stdout, shown).toBe('');
  expect(outcome.stderr, shown).toMatch(/^error: /);
  expectText(outcome.stderr, text, shown);
  expect(outcome.stderr, shown).toContain('(add --help for usage)');
  expect(outcome.stderr, shown).not.toContain('Usage:');
}

/** With --json: `{"error": {code, message, …}}` on stdout, exit 1, nothing else. */
function expectJsonError(outcome: CliOutcome, code: string, text?: string | RegExp): Record<string, unknown> {
  const shown = JSON.stringify(outcome);
  expect(outcome.code, shown).toBe(1);
  expect(outcome.stderr, shown).toBe('');
  const { error } = JSON.parse(outcome.stdout) as { error: Record<string, unknown> };
  expect(error, shown).toMatchObject({ code });
  if (text) expectText(String(error['message']), text, shown);
  return error;
}

describe('the quorum CLI when things go wrong', () => {
  let quorum: Quorum;
  let env: Record<string, string>;
  let planned: Session;
  let htmlServer: Server;
  let htmlUrl: string;
  const tmp = mkdtempSync(join(tmpdir(), 'quorum-cli-errors-'));

  beforeAll(async () => {
    quorum = await startTestQuorum();
    env = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken };
    planned = await quorum.sessions.create(newSessionInput({ meetingUrl: 'https://meet.google.com/cli-errs-abc', title: 'planned far ahead', startsAt: inMinutes(60), joinAt: inMinutes(24 * 60) }));
    htmlServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><p>not Quorum</p>'));
    await new Promise<void>((resolve) => htmlServer.listen(0, '127.0.0.1', resolve));
    htmlUrl = `http://127.0.0.1:${(htmlServer.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await quorum?.close();
    await new Promise((resolve) => htmlServer?.close(resolve));
  });

  it('prints the version of package.json with --version', async () => {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(await cli(['--version'], {})).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('no server, no token, a wrong token, a URL that is not Quorum: one line saying what to do (and JSON with --json)', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const noTokenDir = mkdtempSync(join(tmp, 'data-'));
    const [down, downJson, noToken, noTokenJson, wrong, wrongJson, html, prefix] = await Promise.all([
      cli(['sessions'], { QUORUM_API_URL: closed, QUORUM_ADMIN_TOKEN: adminToken }),
      cli(['logs', 'some-id', '--follow', '--json'], { QUORUM_API_URL: closed, QUORUM_ADMIN_TOKEN: adminToken }),
      cli(['show', 'some-id'], { QUORUM_API_URL: quorum.url, QUORUM_DATA_DIR: noTokenDir }),
      cli(['sessions', '--json'], { QUORUM_API_URL: quorum.url, QUORUM_DATA_DIR: noTokenDir }),
      cli(['sessions'], { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: 'not-the-admin-token-at-all' }),
      cli(['retry', planned.id, '--json'], { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: 'not-the-admin-token-at-all' }),
      cli(['sessions'], { QUORUM_API_URL: htmlUrl, QUORUM_ADMIN_TOKEN: adminToken }),
      cli(['sessions'], { QUORUM_API_URL: `${quorum.url}/quorum`, QUORUM_ADMIN_TOKEN: adminToken }),
    ]);
    expectOneLine(down, `quorum: cannot reach Quorum at ${closed} (connection refused): is \`quorum serve\` running?`);
    expectJsonError(downJson, 'unreachable', 'connection refused');
    expectOneLine(noToken, `no admin token: set QUORUM_ADMIN_TOKEN, or QUORUM_DATA_DIR to the server's data directory (there is no ${join(noTokenDir, 'admin-token')})`);
    expectJsonError(noTokenJson, 'no_token');
    expectOneLine(wrong, `Quorum at ${quorum.url} refused the token in QUORUM_ADMIN_TOKEN (401): use the admin token \`quorum serve\` printed on first start`);
    expect(expectJsonError(wrongJson, 'unauthorized')).toMatchObject({ status: 401 });
    expectOneLine(html, `${htmlUrl} is not Quorum's API (GET /v1/sessions?limit=50 answered 200 with text/html): check QUORUM_API_URL`);
    expectOneLine(prefix, `${quorum.url}/quorum has no route GET /v1/sessions?limit=50: check QUORUM_API_URL`);
  });

  it('an unknown session id: show, retry, stop, logs and logs --follow say so and point at `quorum sessions`', async () => {
    const outcomes = await Promise.all(['show', 'retry', 'stop', 'logs'].map((command) => cli([command, 'no-such-session'], env)));
    for (const outcome of outcomes) expectOneLine(outcome, 'quorum: session no-such-session not found; `quorum sessions` lists the sessions');
    const [follow, json, retryJson] = await Promise.all([
      cli(['logs', 'no-such-session', '--follow'], env),
      cli(['stop', 'no-such-session', '--json'], env),
      cli(['retry', 'no-such-session', '--json'], env),
    ]);
    expectOneLine(follow, 'session no-such-session not found');
    expect(expectJsonError(json, 'not_found', 'session no-such-session not found')).toMatchObject({ status: 404 });
    expect(expectJsonError(retryJson, 'not_found')).toMatchObject({ status: 404 });
  });

  it('retry of a session that has not ended, stop of one that has: the conflict and what to do instead', async () => {
    const retry = await cli(['retry', planned.id], env);
    expectOneLine(retry, `session ${planned.id} is scheduled; only an ended session can be retried; to start over, stop it first (\`quorum stop ${planned.id}\`), then retry`);
    expect((await cli(['stop', planned.id], env)).code).toBe(0);
    const [again, againJson] = await Promise.all([cli(['stop', planned.id], env), cli(['stop', planned.id, '--json'], env)]);
    expectOneLine(again, `session ${planned.id} has already ended (cancelled); nothing to stop; \`quorum retry ${planned.id}\` starts a new attempt`);
    expect(expectJsonError(againJson, 'conflict')).toMatchObject({ status: 409 });
  });

  it('join: a bad link or time is a usage error before any request; a refused link names the rule and how to see all of them', async () => {
    const meet = 'https://meet.google.com/abc-defg-hij';
    const [badUrl, badAt, badUntil, badAtJson, unsupported, unsupportedJson, missing] = await Promise.all([
      cli(['join', 'meet.google.com/abc-defg-hij'], env),
      cli(['join', meet, '--at', 'tomorrow'], env),
      cli(['join', meet, '--until', '2030-01-31 15:00'], env),
      cli(['join', meet, '--at', '2030-13-45', '--json'], env),
      cli(['join', 'https://example.com/standup'], env),
      cli(['join', 'https://example.com/standup', '--json'], env),
      cli(['join'], env),
    ]);
    expectUsage(badUrl, "'meet.google.com/abc-defg-hij' is invalid for argument 'url'. Expected a whole meeting link, e.g. https://meet.google.com/abc-defg-hij.");
    expectUsage(badAt, "option '--at <iso>' argument 'tomorrow' is invalid. Expected an ISO 8601 time with a zone, e.g. 2030-01-31T14:00:00Z");
    expectUsage(badUntil, "option '--until <iso>' argument '2030-01-31 15:00' is invalid.");
    expectJsonError(badAtJson, 'usage', "argument '2030-13-45' is invalid");
    expectOneLine(unsupported, /None of the meeting's links is of a supported provider .* found https:\/\/example\.com\/standup; `quorum explain https:\/\/example\.com\/standup` shows every rule and what to change$/m);
    const refused = expectJsonError(unsupportedJson, 'conference_link_unsupported');
    expect(refused).toMatchObject({ status: 422, decision: { eligible: false } });
    expectUsage(missing, "missing required argument 'url'");
  });

  it('join of a meeting already planned says so instead of claiming a new schedule', async () => {
    const args = ['join', 'https://meet.google.com/pln-defg-hij', '--at', '2031-01-01T10:00:00Z'];
    const first = await cli(args, env);
    expect(first.stdout, JSON.stringify(first)).toMatch(/^scheduled session \S+: the bot joins at 2031-01-01T09:/);
    const second = await cli(args, env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^session \S+ is already planned for this meeting \(scheduled\): the bot joins at 2031-01-01T09:/);
    const [third, fresh] = await Promise.all([cli([...args, '--json'], env), cli(['join', 'https://meet.google.com/plm-defg-hij', '--at', '2031-01-01T10:00:00Z', '--json'], env)]);
    expect(JSON.parse(third.stdout)).toMatchObject({ state: 'scheduled', existing: true });
    expect(JSON.parse(fresh.stdout)).toMatchObject({ state: 'scheduled', existing: false });
  });

  it('explain: a missing .ics, a file that is not a calendar, a folder, a link without https:// are named as such (no server needed)', async () => {
    const notCalendar = join(tmp, 'notes.txt');
    writeFileSync(notCalendar, 'Standup notes\n');
    const folder = join(tmp, 'invites');
    mkdirSync(folder);
    const offline = { QUORUM_API_URL: 'http://127.0.0.1:9', QUORUM_ADMIN_TOKEN: adminToken };
    const [missing, text, dir, bare, json] = await Promise.all([
      cli(['explain', join(tmp, 'invite.ics')], offline),
      cli(['explain', notCalendar], offline),
      cli(['explain', folder], offline),
      cli(['explain', 'meet.google.com/abc-defg-hij'], offline),
      cli(['explain', join(tmp, 'invite.ics'), '--json'], offline),
    ]);
    expectOneLine(missing, `quorum: no such file: ${join(tmp, 'invite.ics')}; give an .ics file or a meeting link`);
    expectOneLine(text, `quorum: ${notCalendar} is not an iCalendar file (no BEGIN:VCALENDAR line)`);
    expectOneLine(dir, `quorum: ${folder} is a directory`);
    expectOneLine(bare, 'quorum: meet.google.com/abc-defg-hij is neither a file nor a meeting URL');
    expectJsonError(json, 'usage', 'no such file');
  });

  it('bad option values and unknown options are usage errors, JSON with --json', async () => {
    const [state, limit, level, status, unknownJson, unknownCommand, demo, port] = await Promise.all([
      cli(['sessions', '--state', 'running'], env),
      cli(['sessions', '--limit', 'ten'], env),
      cli(['logs', planned.id, '--level', 'loud'], env),
      cli(['inbound', 'list', '--status', 'bounced'], env),
      cli(['sessions', '--color', '--json'], env),
      cli(['sesions'], env),
      cli(['demo', '--provider', 'skype'], {}),
      cli(['sim', '--https-port', '99999'], {}),
    ]);
    expectUsage(state, "option '--state <state>' argument 'running' is invalid. Allowed choices are scheduled, dispatching");
    expectUsage(limit, "option '--limit <n>' argument 'ten' is invalid. Expected a whole number from 1.");
    expectUsage(level, 'Allowed choices are trace, debug, info, warn, error, fatal.');
    expectUsage(status, 'Allowed choices are received, processed, rejected, failed.');
    expectJsonError(unknownJson, 'usage', "unknown option '--color'");
    expectUsage(unknownCommand, /unknown command 'sesions'\n\(Did you mean sessions\?\)/);
    expectUsage(demo, 'Allowed choices are meet, teams, webex, zoom, all.');
    expectUsage(port, "option '--https-port <port>' argument '99999' is invalid.");
  });

  it('a config file with a bad value, and serve on a port in use: the setting is named', async () => {
    const config = join(tmp, 'quorum.json');
    writeFileSync(config, JSON.stringify({ QUORUM_HTTP_PORT: 'eighty' }));
    const busy = createTcpServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as { port: number }).port;
    try {
      const serveEnv = { QUORUM_DATA_DIR: mkdtempSync(join(tmp, 'serve-')), QUORUM_HTTP_PORT: String(busyPort), QUORUM_SMTP_PORT: '0', QUORUM_LOG_LEVEL: 'silent' };
      const [bad, badJson, serve] = await Promise.all([
        cli(['sessions'], { QUORUM_CONFIG_FILE: config }),
        cli(['sessions', '--json'], { QUORUM_CONFIG_FILE: config }),
        cli(['serve'], serveEnv),
      ]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^quorum: Invalid configuration:\n {2}QUORUM_HTTP_PORT: /);
      expectJsonError(badJson, 'invalid_config', 'QUORUM_HTTP_PORT');
      expectOneLine(serve, `quorum: cannot listen on 127.0.0.1:${busyPort} (QUORUM_HTTP_PORT): the port is already in use (another Quorum?); stop that program or set QUORUM_HTTP_PORT to a free port`);
    } finally {
      busy.close();
    }
  });

  it('scale-out services that cannot be reached at start: the service, where, why and the setting to check', async () => {
    const [closedA, closedB] = [await freePort(), await freePort()];
    const base = { QUORUM_DATA_DIR: mkdtempSync(join(tmp, 'scale-')), QUORUM_HTTP_PORT: '0', QUORUM_SMTP_PORT: '0', QUORUM_WORKER_HTTP_PORT: '0', QUORUM_LOG_LEVEL: 'silent' };
    const database = `quorum_cli_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`create database ${database}`);
    try {
      const reachable = new URL(testDatabaseUrl());
      reachable.pathname = `/${database}`;
      const wrongPassword = new URL(reachable);
      wrongPassword.password = 'not-the-password';
      const [noDatabase, badLogin, noRedis, half] = await Promise.all([
        cli(['serve'], { ...base, DATABASE_URL: `postgres://quorum:secret@127.0.0.1:${closedA}/quorum`, REDIS_URL: `redis://127.0.0.1:${closedB}` }),
        cli(['worker'], { ...base, DATABASE_URL: wrongPassword.toString(), REDIS_URL: `redis://127.0.0.1:${closedB}` }),
        cli(['serve'], { ...base, DATABASE_URL: reachable.toString(), REDIS_URL: `redis://127.0.0.1:${closedB}` }),
        cli(['serve'], { ...base, DATABASE_URL: reachable.toString() }),
      ]);
      const hint = (setting: string) => `; is it running, and does ${setting} name it?`;
      expectOneLine(noDatabase, `quorum: cannot reach PostgreSQL at 127.0.0.1:${closedA} (DATABASE_URL): connection refused${hint('DATABASE_URL')}`);
      expectOneLine(badLogin, `password authentication failed${hint('DATABASE_URL')}`);
      expectOneLine(noRedis, `quorum: cannot reach Redis at 127.0.0.1:${closedB} (REDIS_URL): connection refused${hint('REDIS_URL')}`);
      expectOneLine(half, 'quorum: scale-out needs both DATABASE_URL and REDIS_URL (or neither, for the embedded mode)');
      // The credentials in the URL are not repeated.
      expect(noDatabase.stderr).not.toContain('secret');
    } finally {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
  });

  it('a human log line shows an error as type and message; the stack stays in --json', () => {
    const err = { type: 'SessionError', message: 'meeting code rejected', stack: 'SessionError: meeting code rejected\n    at failure (join.js:73:12)', endCode: 'meeting_not_found' };
    const line = { id: 7, sessionId: 's', attempt: 2, at: '2030-01-31T14:00:05.000Z', level: 40, msg: 'attempt ended: meeting_not_found', data: { msg: 'attempt ended', step: 'open', err } };
    expect(formatLogLine(line)).toBe('14:00:05 WARN  #2 attempt ended: meeting_not_found {"step":"open","err":"SessionError: meeting code rejected"}');
  });

  it('--help lists the commands of README.md, and each command takes the options README.md gives it', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `quorum ([a-z][a-z-]*(?: (?:list|show|reprocess))?)([^`]*)`/gm)].map((m) => ({ command: m[1] ?? '', usage: m[2] ?? '' }));
    expect(rows.length).toBeGreaterThan(10);
    const help = await cli(['--help'], {});
    const listed = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]).filter((name) => name !== 'help');
    expect(new Set(rows.map((row) => row.command.split(' ')[0]))).toEqual(new Set(listed));
    const helps = await Promise.all(rows.map((row) => cli([...row.command.split(' '), '--help'], {})));
    rows.forEach((row, i) => {
      for (const option of row.usage.match(/--[a-z-]+/g) ?? []) expect(helps[i]?.stdout, `quorum ${row.command} ${option}`).toContain(option);
    });
  });
});
