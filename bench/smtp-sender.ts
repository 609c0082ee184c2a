import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import nodemailer from 'nodemailer';

/**
 * The sending mail servers of the intake benchmark, in a worker thread: in production they are other
 * machines, so their CPU must not be charged to Quorum's event loop.
 */
export interface SenderJob {
  port: number;
  from: string;
  to: string;
  helo: string;
  senders: number;
  mails: Uint8Array[];
}

async function sendAll(job: SenderJob): Promise<number> {
  const transports = Array.from({ length: job.senders }, () =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: job.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
      maxMessages: Infinity,
      name: job.helo,
      // Without TCP_NODELAY the final "." of each message waits out the server's delayed ACK (~40 ms),
      // which would measure Linux's TCP timers instead of Quorum; mail servers send whole lines.
      getSocket: (_options, callback) => callback(null, { connection: connect({ host: '127.0.0.1', port: job.port, noDelay: true }) }),
    }),
  );
  const started = performance.now();
  let next = 0;
  await Promise.all(
    transports.map(async (transport) => {
      for (let raw = job.mails[next++]; raw; raw = job.mails[next++]) {
        const info = await transport.sendMail({ envelope: { from: job.from, to: [job.to] }, raw: Buffer.from(raw) });
        if (!info.response.startsWith('250')) throw new Error(`invite refused: ${info.response}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const transport of transports) transport.close();
  return job.mails.length / seconds;
}

if (parentPort) {
  const port = parentPort;
  sendAll(workerData as SenderJob).then(
    (perSecond) => port.postMessage({ perSecond }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
