import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import nodemailer from 'nodemailer';
import { threadCpuMs } from './thread-cpu.js';

/**
 * The sending mail servers of the intake benchmark, in a worker thread: in production they are other
 * machines, so their CPU must not be charged to Quorum's event loop. The thread lives for the whole run
 * and takes one round's mails per message, so its code is as warm in round five as a mail server's is.
 */
export interface SenderJob {
  port: number;
  from: string;
  to: string;
  helo: string;
  senders: number;
  mails: Uint8Array[];
}

export interface SenderResult {
  perSecond: number;
  /** CPU time of this thread while sending, so the benchmark does not charge it to Quorum. */
  cpuMs: number;
}

async function sendAll(job: SenderJob): Promise<SenderResult> {
  const cpu0 = threadCpuMs();
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
  return { perSecond: job.mails.length / seconds, cpuMs: threadCpuMs() - cpu0 };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: SenderJob) => {
    sendAll(job).then(
      (result) => port.postMessage(result),
      (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
