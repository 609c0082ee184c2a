import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Quorum } from '../../src/main.js';
import { deliveryKey, webhookEnvelopeSchema } from '../../src/zoom/events.js';
import { zoomSignature } from '../../src/zoom/signature.js';

/** A loopback HTTP server that counts every request it gets, by path; `handle` answers them. */
export interface CountingServer {
  origin: string;
  hits: string[];
  close(): Promise<void>;
}

export async function countingServer(handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(200).end('internal secret')): Promise<CountingServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '/');
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function meetingNumber(): string {
  return String(randomInt(10_000_000_000, 99_999_999_999));
}

/** A recording.completed body for `meetingId` whose files are at `urls`; each body is a new instance (its own key). */
export function recordingBody(meetingId: string, urls: string[], startTime = new Date(Date.now() - 60_000).toISOString()): string {
  const instance = randomBytes(6).toString('hex');
  return JSON.stringify({
    event: 'recording.completed',
    event_ts: Date.now(),
    download_token: 'webhook-download-token',
    payload: {
      object: {
        id: Number(meetingId),
        uuid: `uuid-${instance}`,
        start_time: startTime,
        recording_files: urls.map((url, index) => ({ id: `f${index}-${instance}`, file_type: 'M4A', file_extension: 'M4A', download_url: url, status: 'completed' })),
      },
    },
  });
}

/** Signs and posts a body to a company's Zoom webhook, as Zoom (or anyone holding the secret) would. */
export async function postSigned(quorum: Quorum, companyId: string, secret: string, body: string): Promise<number> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(`${quorum.url}/v1/webhooks/zoom/${companyId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-zm-request-timestamp': timestamp, 'x-zm-signature': zoomSignature(secret, timestamp, body) },
    body,
  });
  await response.text();
  return response.status;
}

export function keyOf(companyId: string, body: string): string {
  return deliveryKey(companyId, webhookEnvelopeSchema.parse(JSON.parse(body)));
}
