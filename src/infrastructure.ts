import { createRedisBus, type RedisBus } from './bus-redis.js';
import { createMemoryBus, type LiveBus } from './bus.js';
import { ConfigError, type Config } from './config.js';
import { isUnreachable, UnreachableError } from './dependency-error.js';
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
    throw new ConfigError('scale-out needs both DATABASE_URL and REDIS_URL (or neither, for the embedded mode)');
  }
  if (config.DATABASE_URL && config.REDIS_URL) {
    // Connection news only, before the session logger exists (it needs the store and the bus).
    const log = createLogger({ level: config.QUORUM_LOG_LEVEL }).child({ component: 'infrastructure' });
    const databaseUrl = config.DATABASE_URL;
    const store = await openPostgresStore(databaseUrl, { onConnectionError: (error) => log.warn({ err: error }, 'a pooled PostgreSQL connection failed; the next query opens a new one') }).catch((error: unknown) => {
      const cause = (error as { cause?: unknown }).cause ?? error;
      throw isUnreachable(cause) ? new UnreachableError('PostgreSQL', 'DATABASE_URL', databaseUrl, cause) : error;
    });
    // The probe runs only after an error, a second later: by then `bus` is set (or the start has failed).
    const redis = watchConnection(log, 'redis', async () => {
      if (!(await bus.reachable())) throw new Error('redis is not answering');
    });
    let lastRedisError: unknown;
    const onRedisError = (error: unknown) => {
      lastRedisError = error;
      redis.error(error);
    };
    const redisUrl = config.REDIS_URL;
    const bus: RedisBus = await createRedisBus(redisUrl, `${config.QUORUM_REDIS_PREFIX}:`, { onError: onRedisError }).catch(async (error: unknown) => {
      redis.close();
      await store.close();
      throw new UnreachableError('Redis', 'REDIS_URL', redisUrl, lastRedisError ?? error);
    });
    const onQueueError = (error: unknown) => (isConnectionError(error) ? redis.error(error) : log.warn({ err: error }, 'job queue error'));
    // The join runs again; the scheduler finds its session no longer `scheduled` and leaves the running bot be.
    const onStalled = (jobId: string) => log.warn({ jobId, lockSeconds: config.QUORUM_QUEUE_LOCK_SECONDS }, 'a running join lost its queue lock (its worker died, or Redis was away longer than QUORUM_QUEUE_LOCK_SECONDS); the queue runs it again');
    const queue = new BullMqQueue({ redisUrl: config.REDIS_URL, name: `${config.QUORUM_REDIS_PREFIX}-joins`, lockMs: config.QUORUM_QUEUE_LOCK_SECONDS * 1000, onError: onQueueError, onStalled });
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
