import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LogLine } from '../../src/logging/session-log.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { runCli } from '../helpers/cli.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { consoleBrowser } from '../console/fixtures.js';

/** More than the API's default page (1000) and the live stream's old backlog cap (10,000). */
const storedLines = 12_345;
const levels = [20, 30, 40] as const;
const levelOf = (i: number) => levels[i % levels.length] ?? 30;
const wait = { timeout: 60_000 };

/**
 * A long debug session's log read every way an operator reads it: the CLI (paged), `--follow` (history, then
 * live), the live WebSocket from `after=0`, and the console's view, which shows the newest lines and says how many
 * earlier ones it leaves out. Nothing may be lost or repeated.
 */
describe('long session logs', () => {
  let quorum: Quorum;
  let session: Session;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    cliEnv = { QUORUM_API_URL: quorum.url, QUORUM_ADMIN_TOKEN: adminToken };
    session = await newSession('A four-hour debug session');
    await storeLines(session.id, storedLines);
  });
  afterAll(async () => {
    await quorum?.close();
  });

  /** A planned session far ahead: never dispatched during the test, so it stays open for `--follow`. */
  async function newSession(title: string): Promise<Session> {
    const now = Date.now();
    return quorum.sessions.create({
      companyId: 'default',
      provider: 'meet',
      plan: 'bot',
      meetingUrl: `https://meet.google.com/${title.length}bc-defg-hij`,
      title,
      startsAt: new Date(now + 3_600_000),
      endsAt: new Date(now + 7_200_000),
      joinAt: new Date(now + 86_400_000),
    });
  }

  /** History stored earlier (as the log sink stores it): `line 0` … `line N-1`, debug/info/warn in turn. */
  async function storeLines(sessionId: string, count: number): Promise<void> {
    const at = new Date(Date.now() - 4 * 3_600_000).toISOString();
    for (let start = 0; start < count; start += 1000) {
      const rows = Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
        const i = start + k;
        const data = { level: levelOf(i), time: at, sessionId, attempt: 1, msg: `line ${i}`, i };
        return { session_id: sessionId, attempt: 1, at, level: levelOf(i), msg: `line ${i}`, line: JSON.stringify(data) };
      });
      await quorum.store.db.insertInto('logs').values(rows).execute();
    }
  }

  const expected = (count: number, minLevel = 0) => Array.from({ length: count }, (_, i) => i).filter((i) => levelOf(i) >= minLevel).map((i) => `line ${i}`);
  const printedMessages = (output: string) => [...output.matchAll(/#1 (line \d+|live \d+)/g)].map((m) => m[1]);

  it('the API pages with more/nextAfter; the default page is still 1000 lines', async () => {
    const first = await api<{ lines: LogLine[]; more: boolean; nextAfter: number }>(quorum, 'GET', `/v1/sessions/${session.id}/logs`);
    expect(first.body.lines).toHaveLength(1000);
    expect(first.body).toMatchObject({ more: true, nextAfter: first.body.lines.at(-1)?.id });
    const msgs: string[] = [];
    let after = 0;
    for (let more = true; more; ) {
      const page = await api<{ lines: LogLine[]; more: boolean; nextAfter: number }>(quorum, 'GET', `/v1/sessions/${session.id}/logs?limit=5000&after=${after}`);
      msgs.push(...page.body.lines.map((l) => l.msg));
      ({ more, nextAfter: after } = page.body);
    }
    expect(msgs).toEqual(expected(storedLines));
    const last = await api<{ lines: LogLine[]; more: boolean; nextAfter: number }>(quorum, 'GET', `/v1/sessions/${session.id}/logs?after=${after}`);
    expect(last.body).toEqual({ lines: [], more: false, nextAfter: after });
    const count = await api<{ count: number }>(quorum, 'GET', `/v1/sessions/${session.id}/logs/count?level=warn&before=${first.body.lines[300]?.id ?? 0}`);
    expect(count.body.count).toBe(100);
  });

  it('`quorum logs <id>` prints every stored line, in order, once (and --level, --json page the same way)', async () => {
    const plain = runCli(['logs', session.id], cliEnv);
    const json = runCli(['logs', session.id, '--level', 'warn', '--json'], cliEnv);
    expect(await plain.exited).toBe(0);
    expect(await json.exited).toBe(0);
    expect(printedMessages(plain.output())).toEqual(expected(storedLines));
    const warnLines = json.output().trim().split('\n').map((l) => JSON.parse(l) as LogLine);
    expect(warnLines.map((l) => l.msg)).toEqual(expected(storedLines, 40));
  });

  it('`quorum logs <id> --follow` prints the whole history, then the lines written live, until the session ends', async () => {
    const follow = runCli(['logs', session.id, '--follow'], cliEnv);
    await follow.waitFor(`line ${storedLines - 1}`, 60_000);
    // Written after the history was printed: they can only arrive over the live stream.
    const log = quorum.logger.child({ sessionId: session.id, companyId: 'default', provider: 'meet', attempt: 1 });
    for (let i = 0; i < 5; i += 1) log.info(`live ${i}`);
    await follow.waitFor('live 4', 30_000);
    expect((await api(quorum, 'POST', `/v1/sessions/${session.id}/stop`, { reason: 'done reading' })).status).toBe(202);
    expect(await follow.exited).toBe(0);
    const printed = printedMessages(follow.output());
    expect(printed).toEqual([...expected(storedLines), ...['live 0', 'live 1', 'live 2', 'live 3', 'live 4']]);
  });

  it('the live stream from after=0 sends the whole history (past 10,000 lines), then new lines', async () => {
    const other = await newSession('Another long session');
    await storeLines(other.id, storedLines);
    const received: LogLine[] = [];
    const socket = new WebSocket(`${quorum.url.replace('http', 'ws')}/v1/sessions/${other.id}/logs/live?after=0`, { headers: { authorization: `Bearer ${adminToken}` } });
    socket.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as LogLine));
    await new Promise((resolve) => socket.once('open', resolve));
    quorum.logger.child({ sessionId: other.id, companyId: 'default', provider: 'meet', attempt: 1 }).info('live 0');
    const deadline = Date.now() + 60_000;
    while (received.at(-1)?.msg !== 'live 0' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    socket.close();
    expect(received.map((l) => l.msg)).toEqual([...expected(storedLines), 'live 0']);
  });

  describe('the console log view', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      ({ browser, page } = await consoleBrowser());
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows the newest lines and says how many earlier ones it leaves out', async () => {
      const shown = await newSession('Console long session');
      await storeLines(shown.id, storedLines);
      await page.goto(`${quorum.url}/console/`);
      await page.fill('#token', adminToken);
      await page.click('#login-form button[type=submit]');
      await page.locator('h1', { hasText: 'Sessions' }).waitFor(wait);
      await page.goto(`${quorum.url}/console/#/sessions/${shown.id}`);
      await page.locator('#log-lines li', { hasText: `line ${storedLines - 1}` }).waitFor(wait);
      const note = page.locator('#log-note', { hasText: `Showing the last 200 of ${storedLines} lines; the ${storedLines - 200} earlier ones are not shown` });
      await note.waitFor(wait);
      expect(await page.locator('#log-lines li').count()).toBe(200);
      // A level filter counts only that level's lines.
      await page.selectOption('#log-level', 'warn');
      const warnTotal = expected(storedLines, 40).length;
      await page.locator('#log-note', { hasText: `Showing the last 200 of ${warnTotal} lines` }).waitFor(wait);
    });
  });
});
