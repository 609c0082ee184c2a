import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSessionError, type SessionError } from '../../src/sessions/session-error.js';
import { freePort } from '../../test/helpers/net.js';
import { createCertificate } from '../../test/sim/core/tls.js';
import type { JoinContext } from '../types.js';
import { openMeetingPage } from './open-page.js';
import { BrowserPool } from './pool.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const log = pino({ level: 'silent' });

/**
 * Chromium answers `.invalid` names itself (NOTFOUND): no DNS query leaves this machine, and the bot sees
 * the same net::ERR_NAME_NOT_RESOLVED a failed lookup gives.
 */
const noDns = '--host-resolver-rules=MAP *.invalid ~NOTFOUND';

async function listen<T extends Server | ReturnType<typeof createHttpsServer>>(server: T): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

describe('opening a meeting page that cannot load', () => {
  let pool: BrowserPool;
  const servers: Array<Server | ReturnType<typeof createHttpsServer>> = [];
  beforeAll(() => {
    pool = new BrowserPool({ chromiumPath, botsPerBrowser: 8, extraArgs: [noDns], log });
  });
  afterAll(async () => {
    await pool.close();
    for (const server of servers) server.close();
  });

  /** What `openMeetingPage` throws for `url`, as the runner turns it into the timeline's end details. */
  async function failure(url: string, stepTimeoutMs = 10_000): Promise<SessionError> {
    const bot = await pool.acquire();
    const ctx: JoinContext = {
      page: bot.page,
      ref: { provider: 'meet', id: 'abc-defg-hij', url },
      botName: 'Quorum Notetaker',
      log,
      signal: new AbortController().signal,
      waitingRoomTimeoutMs: 10_000,
      stepTimeoutMs,
      phase: () => undefined,
      saveEvidence: async () => undefined,
    };
    try {
      const error: unknown = await openMeetingPage(ctx).then(() => undefined, (e: unknown) => e);
      if (!isSessionError(error)) throw new Error(`expected a SessionError, got ${String(error)}`);
      return error;
    } finally {
      await bot.release();
    }
  }

  it('names a host that does not resolve, and says to check DNS', async () => {
    const error = await failure('https://meet.invalid/abc-defg-hij');
    expect(error).toMatchObject({ endCode: 'internal_error', step: 'open' });
    expect(error.message).toBe(
      "could not open https://meet.invalid/abc-defg-hij: net::ERR_NAME_NOT_RESOLVED (the meeting's host name did not resolve: check this machine's DNS and network access)",
    );
  });

  it('names a refused connection (a closed port) and a reset one', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/abc-defg-hij`;
    // Reset once the request arrives: a reset during the handshake reads as ERR_SOCKET_NOT_CONNECTED instead.
    const resetting = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    servers.push(resetting);
    const reset = `http://127.0.0.1:${await listen(resetting)}/abc-defg-hij`;
    const [refused, wasReset] = await Promise.all([failure(closed), failure(reset)]);
    expect(refused).toMatchObject({ endCode: 'internal_error', message: `could not open ${closed}: net::ERR_CONNECTION_REFUSED (the meeting's host refused the connection: check this machine's firewall and that DNS sends the host to the provider)` });
    expect(wasReset.endCode).toBe('internal_error');
    expect(wasReset.message).toMatch(/^could not open \S+: net::ERR_CONNECTION_RESET \(the connection to the meeting's host was reset: .*check outbound HTTPS access\)$/);
  });

  it('names an untrusted certificate (as an HTTPS-inspecting proxy presents) and a page that never answers', async () => {
    const certificate = await createCertificate(['localhost']);
    const https = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (_request, response) => response.end('meeting'));
    const silent = createServer(() => undefined);
    servers.push(https, silent);
    const [untrusted, slow] = await Promise.all([failure(`https://localhost:${await listen(https)}/`), failure(`http://127.0.0.1:${await listen(silent)}/`, 2000)]);
    expect(untrusted.endCode).toBe('internal_error');
    expect(untrusted.message).toMatch(/: net::ERR_CERT_AUTHORITY_INVALID \(the meeting's host presented a certificate Chromium does not trust: .*\)$/);
    expect(slow.endCode).toBe('internal_error');
    expect(slow.message).toMatch(/: no answer within 2 s \(the meeting's host or this machine's network is too slow or unreachable: check its network access\)$/);
  });

  it('keeps Chromium\'s own words for any other failure, without Playwright\'s call log', async () => {
    // The server hangs up before a response: a net error without advice of its own.
    const hangingUp = createServer((socket) => socket.end());
    servers.push(hangingUp);
    const url = `http://127.0.0.1:${await listen(hangingUp)}/`;
    const error = await failure(url);
    expect(error.endCode).toBe('internal_error');
    expect(error.message).toMatch(new RegExp(`^could not open ${url}: page\\.goto: net::ERR_[A-Z_]+ at ${url}$`));
  });
});
