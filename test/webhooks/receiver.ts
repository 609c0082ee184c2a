import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { verifyWebhookSignature } from '../../src/webhooks/index.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { freePort } from '../helpers/net.js';

export interface Received {
  rawBody: string;
  headers: IncomingHttpHeaders;
  event: WebhookEvent;
  /** The status this receiver answered. */
  answered: number;
}

/**
 * An integrator's endpoint: a real HTTP server on 127.0.0.1 that keeps every request it was sent. `answer` picks
 * each request's status (default 200); `stop` and `start` take it down and bring it back on the same port.
 */
export class Receiver {
  readonly requests: Received[] = [];
  answer: (request: { event: WebhookEvent; index: number }) => number = () => 200;
  private server: Server | undefined;

  private constructor(readonly port: number) {}

  static async listening(): Promise<Receiver> {
    const receiver = new Receiver(await freePort());
    await receiver.start();
    return receiver;
  }

  /** A receiver whose port nothing listens on yet (`start` brings it up). */
  static async down(): Promise<Receiver> {
    return new Receiver(await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/quorum?source=test`;
  }

  /** The requests it answered 2xx: what the integrator took in. */
  get accepted(): Received[] {
    return this.requests.filter((request) => request.answered >= 200 && request.answered < 300);
  }

  /** Whether every request carried a valid signature under `secret`, with matching id and type headers. */
  allSigned(secret: string): boolean {
    return this.requests.every(
      (r) => verifyWebhookSignature(r.rawBody, r.headers['quorum-signature'] as string | undefined, secret, 60) && r.headers['quorum-event-id'] === r.event.id && r.headers['quorum-event-type'] === r.event.type,
    );
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(rawBody) as WebhookEvent;
        const answered = this.answer({ event, index: this.requests.length });
        this.requests.push({ rawBody, headers: request.headers, event, answered });
        response.writeHead(answered, answered >= 300 && answered < 400 ? { location: 'http://127.0.0.1:1/elsewhere' } : {}).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls `check` every 20 ms until it holds, or fails naming `what`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Test pacing: retries within a fraction of a second, a poll five times a second. */
export const fastTimings = { backoffBaseMs: 50, backoffCapMs: 200, pollMs: 200, busyRetryMs: 50, timeoutMs: 2_000, gapGraceMs: 2_000, leaseTtlMs: 5_000 };
