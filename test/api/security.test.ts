import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { composeReply, relayReplier } from '../../src/intake/reply.js';
import { createLogger, sessionLogger } from '../../src/logging/logger.js';
import type { LogLine } from '../../src/logging/session-log.js';
import type { Quorum } from '../../src/main.js';
import type { Session } from '../../src/sessions/session.js';
import { until } from '../helpers/net.js';
import { api, startTestQuorum } from '../helpers/quorum.js';
import { inAnHour, twoTenants } from './tenancy-fixtures.js';

/** Opens a WebSocket and reports the refusal status, or what it heard within `ms` once open. */
function listen(url: string, ms: number): Promise<{ status: number | 'open'; messages: string[] }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const messages: string[] = [];
    let status: number | 'open' = 0;
    socket.on('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? -1, messages }));
    socket.on('open', () => (status = 'open'));
    socket.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
    socket.on('error', () => undefined);
    setTimeout(() => {
      socket.terminate();
      resolve({ status, messages });
    }, ms);
  });
}

describe('a hostile tenant and a hostile invite sender', () => {
  let quorum: Quorum;
  let tokenA: string;
  let tokenB: string;
  let sessionA: Session;
  let sessionB: Session;

  beforeAll(async () => {
    quorum = await startTestQuorum();
    ({ alphaToken: tokenA, bravoToken: tokenB } = await twoTenants(quorum));
    const request = (id: string) => ({ meetingUrl: `https://meet.google.com/${id.slice(0, 3)}-secu-rit`, requesterEmail: `boss@${id}.example`, ...inAnHour() });
    sessionA = (await api<{ session: Session }>(quorum, 'POST', '/v1/companies/alpha/recording-requests', request('alpha'), tokenA)).body.session;
    sessionB = (await api<{ session: Session }>(quorum, 'POST', '/v1/companies/bravo/recording-requests', request('bravo'), tokenB)).body.session;
  });
  afterAll(async () => {
    await quorum.close();
  });

  it('never stores or serves a secret a log line carries, however deep', async () => {
    const log = sessionLogger(quorum.logger, { sessionId: sessionB.id, companyId: 'bravo', provider: 'meet', attempt: 1 });
    const error = Object.assign(new Error('sign-in refused'), { config: { headers: { Authorization: 'Bearer HDR-secret-1' } } });
    log.warn(
      {
        err: error,
        settings: { providers: { zoom: { clientSecret: 'ZC-secret-2', sdkKey: 'SK-secret-3', webhookSecretToken: 'WH-secret-4' }, teams: { authenticatedBot: { account: { email: 'bot@bravo.example', password: 'PW-secret-5' } } } } },
        download: 'https://bravo.zoom.us/rec/download/x?download_token=DL-secret-6&other=1',
        apiKey: 'AK-secret-7',
      },
      'a careless line',
    );
    const lines = await until('the line stored', async () => {
      const answer = await api<{ lines: LogLine[] }>(quorum, 'GET', `/v1/sessions/${sessionB.id}/logs`, undefined, tokenB);
      return answer.body.lines.some((line) => line.msg === 'a careless line') ? answer.body.lines : undefined;
    });
    const text = JSON.stringify(lines);
    for (const secret of ['HDR-secret-1', 'ZC-secret-2', 'SK-secret-3', 'WH-secret-4', 'PW-secret-5', 'DL-secret-6', 'AK-secret-7']) expect(text).not.toContain(secret);
    // What is not secret stays readable: the account, the error, the rest of the URL.
    expect(text).toContain('bot@bravo.example');
    expect(text).toContain('sign-in refused');
    expect(text).toContain('other=1');
  });

  it('redacts the same way on the operator console stream', () => {
    const chunks: string[] = [];
    const logger = createLogger({ level: 'info', console: { write: (chunk: string) => void chunks.push(chunk) } });
    const cycle: Record<string, unknown> = { sdkSecret: 'CY-secret-8' };
    cycle.self = cycle;
    logger.info({ company: { providers: { webex: { authenticatedBot: { account: { password: 'PW-secret-9' } } } } }, cycle }, 'settings changed');
    const text = chunks.join('');
    expect(text).toContain('settings changed');
    expect(text).not.toContain('PW-secret-9');
    expect(text).not.toContain('CY-secret-8');
  });

  it('keeps an error\'s own type through the redaction (it read "Object" for every error)', () => {
    const chunks: string[] = [];
    const logger = createLogger({ level: 'info', console: { write: (chunk: string) => void chunks.push(chunk) } });
    logger.error({ err: Object.assign(new TypeError('bad input'), { token: 'TK-secret-1' }) }, 'failed');
    logger.error(new RangeError('out of range'), 'failed bare');
    const [keyed, bare] = chunks.map((chunk) => JSON.parse(chunk) as { err: { type: string; message: string; token?: string } });
    expect(keyed?.err).toMatchObject({ type: 'TypeError', message: 'bad input', token: '[redacted]' });
    expect(bare?.err).toMatchObject({ type: 'RangeError', message: 'out of range' });
  });

  it("holds the live WebSockets to the token's company", async () => {
    const base = quorum.url.replace(/^http/, 'ws');
    const otherLog = listen(`${base}/v1/sessions/${sessionB.id}/logs/live?token=${tokenA}`, 1500);
    const otherCompany = listen(`${base}/v1/sessions/live?companyId=bravo&token=${tokenA}`, 1500);
    const own = listen(`${base}/v1/sessions/live?token=${tokenA}`, 2500);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await api(quorum, 'POST', `/v1/sessions/${sessionB.id}/stop`, { reason: 'bravo stops its own session' }, tokenB);
    expect((await otherLog).status).toBe(404);
    expect((await otherCompany).status).toBe(403);
    const heard = await own;
    expect(heard.status).toBe('open');
    expect(heard.messages.join('')).not.toContain(sessionB.id);
  });

  it("learns nothing of another company's consent link: not its owner, not the meeting behind its page", async () => {
    const created = await api<{ url: string }>(quorum, 'POST', '/v1/companies/bravo/consent-links', { type: 'dynamic', meetingId: 'bravo-board', conferenceUrl: 'https://meet.google.com/brv-boar-dxx' }, tokenB);
    expect(created.status).toBe(201);
    const asked = { meetingUrl: created.body.url, requesterEmail: 'boss@alpha.example', ...inAnHour() };
    const explained = await api(quorum, 'POST', '/v1/explain', { company: 'alpha', ...asked }, tokenA);
    const requested = await api(quorum, 'POST', '/v1/companies/alpha/recording-requests', asked, tokenA);
    for (const answer of [explained, requested]) {
      expect(JSON.stringify(answer.body)).toContain('consent_link_external');
      expect(JSON.stringify(answer.body)).not.toMatch(/bravo|brv-boar-dxx/i);
    }
  });

  it('serves artifacts so that no browser runs them as a page', async () => {
    const file = join(quorum.artifacts.dirFor(sessionA.id), 'page "x".html');
    writeFileSync(file, '<!doctype html><script>fetch("/v1/sessions?token=" + location.search)</script>');
    const artifact = await quorum.artifacts.add({ sessionId: sessionA.id, attempt: 1, kind: 'html', path: file });
    const response = await fetch(`${quorum.url}/v1/sessions/${sessionA.id}/artifacts/${artifact.id}?token=${tokenA}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(response.headers.get('content-disposition')).toBe('inline; filename="page__x_.html"');
    await response.body?.cancel();
    // Another company's token does not reach it, by session or by artifact id.
    expect((await fetch(`${quorum.url}/v1/sessions/${sessionA.id}/artifacts/${artifact.id}?token=${tokenB}`)).status).toBe(404);
    expect((await fetch(`${quorum.url}/v1/sessions/${sessionB.id}/artifacts/${artifact.id}?token=${tokenB}`)).status).toBe(404);
  });
});

describe('reply e-mails to an invite sender', () => {
  let server: SMTPServer;
  let url: string;
  const received: Array<{ recipients: string[]; mail: ParsedMail }> = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (mail) => {
            received.push({ recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address), mail });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('goes to exactly one address, whatever the invite put in the sender or subject', async () => {
    const replier = relayReplier(url, pino({ level: 'silent' }));
    const { subject, text } = composeReply({ subject: 'Standup\r\nBcc: victim@elsewhere.example\r\nX-Injected: 1', events: [] });
    expect(subject).not.toMatch(/[\r\n]/);
    await expect(replier.send({ from: 'assistant@alpha.example', to: 'boss@alpha.example, victim@elsewhere.example', subject, text })).rejects.toThrow(/one e-mail address/);
    await expect(replier.send({ from: 'assistant@alpha.example', to: 'boss@alpha.example\r\nBcc: victim@elsewhere.example', subject, text })).rejects.toThrow(/one e-mail address/);
    await replier.send({ from: 'assistant@alpha.example', to: 'boss@alpha.example', subject, text, inReplyTo: '<id@alpha.example>\r\nBcc: victim@elsewhere.example' });
    expect(received).toHaveLength(1);
    const [only] = received;
    expect(only?.recipients).toEqual(['boss@alpha.example']);
    expect(only?.mail.headers.has('bcc')).toBe(false);
    expect(only?.mail.headers.has('x-injected')).toBe(false);
    expect(only?.mail.subject).toBe('Re: Standup Bcc: victim@elsewhere.example X-Injected: 1');
  });
});
