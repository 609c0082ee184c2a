import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { participantHtml, participantJs } from './participant-page.js';
import type { RoomRegistry } from './registry.js';
import type { SimCertificate } from './tls.js';
import type { SimProvider } from './types.js';
import { webAppClientJs } from './web-app.js';

export interface SimHttpsServer {
  port: number;
  close(): Promise<void>;
}

/** One HTTPS listener for every simulated host; the Host header picks the provider. */
export async function startHttpsServer(
  certificate: SimCertificate,
  port: number,
  providers: readonly SimProvider[],
  rooms: RoomRegistry,
  log: Logger,
): Promise<SimHttpsServer> {
  const providerFor = (hostHeader: string | undefined): SimProvider | undefined => {
    const host = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
    return providers.find((p) => p.hosts.includes(host));
  };
  const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const provider = providerFor(req.headers.host);
    const url = new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`);
    if (!provider) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('not a simulated host');
    } else if (url.pathname === '/_sim/participant') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(participantHtml);
    } else if (url.pathname === '/_sim/participant.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(participantJs);
    } else if (url.pathname === '/_sim/web-app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(webAppClientJs);
    } else {
      provider.serve(req, res, url, rooms);
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const provider = providerFor(req.headers.host);
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const room = provider ? rooms.find(provider.id, url.searchParams.get('meeting') ?? '') : undefined;
    const role = url.searchParams.get('role');
    const name = url.searchParams.get('name') ?? '';
    if (!room || url.pathname !== '/_sim/ws' || (role !== 'bot' && role !== 'participant') || name === '') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (role === 'bot') room.botConnected(ws, name, provider?.recognizesBot?.(req) === true);
      else room.participantConnected(ws, name);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  log.debug({ port: (server.address() as AddressInfo).port }, 'sim https listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
