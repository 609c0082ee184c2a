import { parentPort } from 'node:worker_threads';

/**
 * Loaded into a parse-pool thread before the real worker (stuck-worker.ts): a message holding STUCK-FOREVER keeps
 * the thread busy for good, as a parse that never ends would; every other message is the real worker's.
 */
parentPort?.on('message', (request: { kind: string; raw?: Uint8Array }) => {
  if (request.kind === 'read' && request.raw && Buffer.from(request.raw).includes('STUCK-FOREVER')) {
    for (;;) {
      // Spins: the thread answers nothing more, DNS and other messages included.
    }
  }
});
