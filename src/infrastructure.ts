import { createRedisBus, type RedisBus } from './bus-redis.js';
import { createMemoryBus, type LiveBus } from './bus.js';
import type { Config } from './config.js';
import { createLogger } from './logging/logger.js';
import { watchConnection } from './queue/connection-watch.js';
import { BullMqQueue } from './queue/bullmq-queue.js';
import type { JobQueue } from './queue/job-queue.js';
import { MemoryQueue } from './queue/memory-queue.js';
import { openPostgresStore, openSqliteStore, type Store } from './store/database.js';

export interface Infrastructure {
  store: Store;
  bus: LiveBus;
  queue: JobQueue;
  /** `embedded`: SQLite + in-process queue; `scale-out`: PostgreSQL + BullMQ on Redis. */
  mode: 'embedded' | 'scale-out';
  /** Closes the bus connections (the queue and store are closed by their owners, in order). */
  closeBus(): Promise<void>;
}

/**
 * The one place that picks implementations of the ports: the embedded defaults, or PostgreSQL and Redis
 * when DATABASE_URL and REDIS_URL are set. Everything above works the same on either.
 */
export async function openInfrastructure(config: Config, dataDir: string): Promise<Infrastructure> {
  if (Boolean(config.DATABASE_URL) !== Boolean(config.REDIS_URL)) {
    throw new Error('scale-out needs both DATABASE_URL and REDIS_URL (or neither, for the embedded mode)');
  }
  if (config.DATABASE_URL && config.REDIS_URL) {
    // Connection news only, before the session logger exists (it needs the store and the bus).
    const log = createLogger({ level: config.QUORUM_LOG_LEVEL }).child({ component: 'infrastructure' });
    const store = await openPostgresStore(config.DATABASE_URL, { onConnectionError: (error) => log.warn({ err: error }, 'a pooled PostgreSQL connection failed; the next query opens a new one') });
    // The probe runs only after an error, a second later: by then `bus` is set (or the start has failed).
    const redis = watchConnection(log, 'redis', async () => {
      if (!(await bus.reachable())) throw new Error('redis is not answering');
    });
    const bus: RedisBus = await createRedisBus(config.REDIS_URL, `${config.QUORUM_REDIS_PREFIX}:`, { onError: (error) => redis.error(error) });
    const onQueueError = (error: unknown) => (isConnectionError(error) ? redis.error(error) : log.warn({ err: error }, 'job queue error'));
    const queue = new BullMqQueue({ redisUrl: config.REDIS_URL, name: `${config.QUORUM_REDIS_PREFIX}-joins`, onError: onQueueError });
    const closeBus = () => {
      redis.close();
      return bus.close();
    };
    return { store, bus, queue, mode: 'scale-out', closeBus };
  }
  const store = await openSqliteStore(dataDir);
  return { store, bus: createMemoryBus(), queue: new MemoryQueue(), mode: 'embedded', closeBus: () => Promise.resolve() };
}

/** Errors that mean Redis cannot be reached (as opposed to a job's own trouble, e.g. its lock lost with Redis's data). */
function isConnectionError(error: unknown): boolean {
  const text = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` : String(error);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|Connection is closed|Stream isn't writeable/i.test(text);
}
