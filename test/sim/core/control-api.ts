import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SimAction, SimMeetingReport, SimProviderId } from './types.js';
import { SimError, simActionSchema } from './types.js';

/** The simulator functions the control API exposes; the same ones `Simulator` offers in process. */
export interface ControlTarget {
  createMeeting(provider: SimProviderId, script: unknown): Promise<{ id: string; joinUrl: string }>;
  getMeeting(id: string): SimMeetingReport | undefined;
  act(id: string, action: SimAction): void;
}

const createBody = z.object({ provider: z.enum(['meet', 'teams', 'webex', 'zoom']), script: z.unknown() });
const maxBodyBytes = 1 << 20;

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

export async function startControlServer(port: number, target: ControlTarget, log: Logger): Promise<ControlServer> {
  const server = createServer((req, res) => {
    handle(req, res, target).catch((error: unknown) => {
      if (error instanceof SimError) return reply(res, error.status, { error: error.message });
      if (error instanceof z.ZodError) return reply(res, 400, { error: z.prettifyError(error) });
      log.error({ err: error }, 'sim control request failed');
      reply(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, target: ControlTarget): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://sim.invalid').pathname;
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'sim' || parts[1] !== 'v1' || parts[2] !== 'meetings') {
    return reply(res, 404, { error: `no route ${req.method ?? ''} ${path}` });
  }
  const id = parts[3];
  if (parts.length === 3 && req.method === 'POST') {
    const body = createBody.parse(await readJson(req));
    return reply(res, 201, await target.createMeeting(body.provider, body.script));
  }
  if (id !== undefined && parts.length === 4 && req.method === 'GET') {
    const report = target.getMeeting(id);
    return report ? reply(res, 200, report) : reply(res, 404, { error: `no meeting ${id}` });
  }
  if (id !== undefined && parts.length === 5 && parts[4] === 'actions' && req.method === 'POST') {
    const action = simActionSchema.parse(await readJson(req));
    target.act(id, action);
    return reply(res, 200, target.getMeeting(id));
  }
  reply(res, 404, { error: `no route ${req.method ?? ''} ${path}` });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new SimError(400, 'request body is larger than 1 MiB');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new SimError(400, 'request body is not valid JSON');
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
