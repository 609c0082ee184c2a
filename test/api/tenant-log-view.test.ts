import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sessionLogger } from '../../src/logging/logger.js';
import type { LogLine } from '../../src/logging/session-log.js';
import type { Quorum } from '../../src/main.js';
import type { Session, TimelineEvent } from '../../src/sessions/session.js';
import { until } from '../helpers/net.js';
import { adminToken, api, startTestQuorum } from '../helpers/quorum.js';
import { companyToken, createCompany, inAnHour } from './tenancy-fixtures.js';

/** A file of the server, as a failing bot's error would name it. */
const serverFile = join(process.cwd(), 'data', 'artifacts', 'rec', 'attempt-1.webm');

/** What a stored error line, timeline entry or artifact shows of the server: none of it may reach a company token. */
function expectNoInternals(text: string): void {
  expect(text).not.toContain('"stack"');
  expect(text).not.toContain(process.cwd());
  expect(text).not.toContain('node:internal');
  expect(text).not.toContain('file://');
  expect(text).not.toMatch(/\\n\s+at /);
}

/** A disk error with a cause, both with real stacks (frames in this file, node_modules and node:internal). */
function diskError(): Error {
  const cause = Object.assign(new Error(`ENOSPC: no space left on device, write '${serverFile}'`), { code: 'ENOSPC' });
  return Object.assign(new Error(`could not write ${serverFile} (loaded from file://${join(process.cwd(), 'dist', 'src', 'main.js')})`, { cause }), { code: 'E_WRITE' });
}

/** The lines a live log socket sends until `done` holds for them (or fails naming what it waited for). */
function liveLines(url: string, done: (lines: LogLine[]) => boolean, onOpen: () => void = () => undefined): Promise<{ lines: LogLine[]; raw: string[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const raw: string[] = [];
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`live log: timed out after ${raw.length} lines`));
    }, 30_000);
    socket.on('unexpected-response', (_request, response) => reject(new Error(`live log refused: ${response.statusCode}`)));
    socket.on('open', onOpen);
    socket.on('message', (data: Buffer) => {
      raw.push(data.toString('utf8'));
      const lines = raw.map((text) => JSON.parse(text) as LogLine);
      if (!done(lines)) return;
      clearTimeout(timer);
      socket.close();
      resolve({ lines, raw });
    });
  });
}

describe('what a company token reads of a failed bot', () => {
  let quorum: Quorum;
  let token: string;
  let session: Session;
  const logsUrl = () => `/v1/sessions/${session.id}/logs`;
  const liveUrl = (as: string) => `${quorum.url.replace(/^http/, 'ws')}/v1/sessions/${session.id}/logs/live?after=0&token=${encodeURIComponent(as)}`;
  const bot = () => sessionLogger(quorum.logger, { sessionId: session.id, companyId: 'alpha', provider: 'meet', attempt: 1 });

  beforeAll(async () => {
    quorum = await startTestQuorum();
    await createCompany(quorum, 'alpha', 'Alpha');
    token = (await companyToken(quorum, 'alpha')).token;
    const request = { meetingUrl: 'https://meet.google.com/alp-tena-ntv', requesterEmail: 'boss@alpha.example', ...inAnHour() };
    session = (await api<{ session: Session }>(quorum, 'POST', '/v1/companies/alpha/recording-requests', request, token)).body.session;
    bot().error({ err: diskError(), endCode: 'storage_full', step: 'record' }, 'recording failed');
    await until('the error line stored', async () => ((await api<{ lines: LogLine[] }>(quorum, 'GET', logsUrl())).body.lines.length > 0 ? true : undefined), 15_000);
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('serves the stored line without stack or server paths to the company, and whole to the admin', async () => {
    const admin = await api<{ lines: LogLine[] }>(quorum, 'GET', logsUrl());
    const stored = admin.body.lines[0]?.data.err as { type: string; stack: string; message: string };
    expect(stored.stack).toContain(join(process.cwd(), 'test', 'api', 'tenant-log-view.test.ts'));
    expect(stored.message).toContain(serverFile);

    const company = await api<{ lines: LogLine[] }>(quorum, 'GET', logsUrl(), undefined, token);
    expect(company.status).toBe(200);
    expectNoInternals(JSON.stringify(company.body));
    const line = company.body.lines[0];
    expect(stored.type).toBe('Error');
    expect(line).toMatchObject({ level: 50, msg: 'recording failed', data: { endCode: 'storage_full', step: 'record', err: { type: 'Error', code: 'E_WRITE' } } });
    // What happened stays readable: the message, with the file it is about.
    expect((line?.data.err as { message: string }).message).toMatch(/^could not write …\/attempt-1\.webm \(loaded from …\/main\.js\): ENOSPC: no space left on device, write '…\/attempt-1\.webm'$/);
  });

  it('streams backlog and new lines without stack or server paths to the company, and whole to the admin', async () => {
    const twoLines = (lines: LogLine[]) => lines.length >= 2;
    // The backlog line, then one written while the socket is open (the bus path, not the store's).
    const company = await liveLines(liveUrl(token), twoLines, () => setTimeout(() => bot().warn({ err: diskError() }, 'retrying the write'), 200));
    expect(company.lines.map((l) => l.msg)).toEqual(['recording failed', 'retrying the write']);
    expectNoInternals(company.raw.join('\n'));
    expect(company.lines[1]?.data.err).toMatchObject({ type: 'Error', code: 'E_WRITE' });

    const admin = await liveLines(liveUrl(adminToken), twoLines);
    for (const line of admin.lines) expect((line.data.err as { stack?: string }).stack).toContain(process.cwd());
  });

  it('shows the timeline and artifacts of the session detail without stacks or server paths to the company', async () => {
    const error = diskError();
    await quorum.sessions.note(session.id, 'write_failed', { message: error.message, error: { type: 'Error', message: error.message, stack: error.stack } });
    const shot = join(quorum.artifacts.dirFor(session.id), 'attempt-1-record.png');
    writeFileSync(shot, 'png');
    await quorum.artifacts.add({ sessionId: session.id, attempt: 1, kind: 'screenshot', path: shot });

    type Detail = { timeline: TimelineEvent[]; artifacts: Array<{ path: string }> };
    const company = await api<Detail>(quorum, 'GET', `/v1/sessions/${session.id}`, undefined, token);
    expect(company.status).toBe(200);
    const text = JSON.stringify(company.body);
    expectNoInternals(text);
    expect(text).not.toContain(shot);
    expect(company.body.timeline.find((e) => e.code === 'write_failed')?.details).toMatchObject({ error: { type: 'Error', message: expect.stringMatching(/^could not write …\/attempt-1\.webm/) as unknown } });
    expect(company.body.artifacts.map((a) => a.path)).toEqual(['…/attempt-1-record.png']);

    const admin = await api<Detail>(quorum, 'GET', `/v1/sessions/${session.id}`);
    expect(admin.body.timeline.find((e) => e.code === 'write_failed')?.details).toMatchObject({ error: { stack: error.stack } });
    expect(admin.body.artifacts.map((a) => a.path)).toEqual([shot]);
  });

  it('sends timeline changes on the live sessions feed without stacks or server paths to the company', async () => {
    /** A live feed as `as` hears it: opened (subscribed), then the first change that carries `disk_trouble`. */
    const listen = (as: string) => {
      const socket = new WebSocket(`${quorum.url.replace(/^http/, 'ws')}/v1/sessions/live?token=${encodeURIComponent(as)}`);
      const opened = new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      const heard = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('live sessions: nothing heard')), 30_000);
        socket.on('message', (data: Buffer) => {
          const text = data.toString('utf8');
          if (!text.includes('disk_trouble')) return;
          clearTimeout(timer);
          socket.close();
          resolve(text);
        });
      });
      return { opened, heard };
    };
    const [company, admin] = [listen(token), listen(adminToken)];
    await Promise.all([company.opened, admin.opened]);
    const error = diskError();
    await quorum.sessions.note(session.id, 'disk_trouble', { error: { type: 'Error', message: error.message, stack: error.stack } });
    expectNoInternals(await company.heard);
    expect(await admin.heard).toContain(JSON.stringify(error.stack).slice(1, 40));
  });
});
