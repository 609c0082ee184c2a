import type { DnsResolver } from './dns.js';

/**
 * Reads a parse thread's messages in arrival order, a few at a time. Started all at once, the messages of a
 * burst share the thread's CPU and all finish together at the end of it: the main thread then gets the whole
 * burst at once and the parse thread waits idle while it is applied, so the two take turns instead of working
 * side by side. Read a few at a time, each message is handed back as soon as it is read.
 *
 * A message waiting for a DNS answer does not use the CPU, so every lookup in flight lets one more message
 * start: a slow name server holds up the messages that need it, not the queue.
 */
export class ReadQueue {
  private readonly queue: Array<() => Promise<void>> = [];
  private reading = 0;
  private lookups = 0;

  constructor(private readonly width = 2) {}

  /** `resolver`, counted: its lookups in flight widen the queue. Wrap the resolver under any cache, so hits cost nothing. */
  counting(resolver: DnsResolver): DnsResolver {
    return (name, rrtype) => {
      this.lookups += 1;
      this.pump();
      return resolver(name, rrtype).finally(() => {
        this.lookups -= 1;
      });
    };
  }

  /** Runs `read` once its turn comes; settles as it does. */
  add<T>(read: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => read().then(resolve, reject));
      this.pump();
    });
  }

  private pump(): void {
    while (this.reading < this.width + this.lookups) {
      const next = this.queue.shift();
      if (!next) return;
      this.reading += 1;
      void next().finally(() => {
        this.reading -= 1;
        this.pump();
      });
    }
  }
}
