import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { DnsResolver } from './dns.js';
import { cachedResolver, readMail, systemResolver } from './parse-pool.js';
import type { PoolAnswer, PoolRequest, PoolThreadData } from './parse-pool.js';
import { ReadQueue } from './read-queue.js';

/**
 * A parse-pool thread: MIME and iCalendar parsing and sender authentication (RSA verification of DKIM),
 * the CPU-heavy part of intake, away from the main thread. DNS questions go back to the main thread's
 * resolver when it has one (tests and the demo answer from a table), else to the system resolver here.
 */
function serve(port: MessagePort, data: PoolThreadData): void {
  const asked = new Map<number, { resolve: (value: string[][] | string[]) => void; reject: (error: unknown) => void }>();
  let nextQuestion = 0;
  const proxied: DnsResolver = (name, rrtype) =>
    new Promise((resolve, reject) => {
      const id = nextQuestion++;
      asked.set(id, { resolve, reject });
      port.postMessage({ kind: 'dns', id, name, rrtype } satisfies PoolAnswer);
    });
  const queue = new ReadQueue(data.readWidth);
  // Kept here, so a cached answer costs no trip to the main thread (and does not widen the queue).
  const viaMain = cachedResolver(queue.counting(proxied), data.dnsCacheMs);
  const system = cachedResolver(queue.counting(systemResolver), data.dnsCacheMs);
  port.on('message', (request: PoolRequest) => {
    if (request.kind === 'dns-answer') {
      const waiting = asked.get(request.id);
      asked.delete(request.id);
      if (request.error) waiting?.reject(Object.assign(new Error(request.error.message), request.error.code ? { code: request.error.code } : {}));
      else waiting?.resolve(request.answer ?? []);
      return;
    }
    const raw = Buffer.from(request.raw);
    queue.add(() => readMail(raw, request.options, request.envelope, request.proxyDns ? viaMain : system)).then(
      (result) => port.postMessage({ kind: 'done', id: request.id, result } satisfies PoolAnswer),
      (error: unknown) => port.postMessage({ kind: 'done', id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies PoolAnswer),
    );
  });
}

if (parentPort) {
  serve(parentPort, workerData as PoolThreadData);
  parentPort.postMessage({ kind: 'ready' } satisfies PoolAnswer);
}
