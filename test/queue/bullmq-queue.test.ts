import { randomBytes } from 'node:crypto';
import { BullMqQueue } from '../../src/queue/bullmq-queue.js';
import { jobQueueConformance } from './job-queue.conformance.js';

function redisUrl(): string {
  const url = process.env.QUORUM_TEST_REDIS_URL;
  if (!url) throw new Error('QUORUM_TEST_REDIS_URL is not set: run `eval "$(sh scripts/services.sh)"` (npm test does)');
  return url;
}

jobQueueConformance('BullMQ on Redis', () => Promise.resolve(new BullMqQueue({ redisUrl: redisUrl(), name: `test-${randomBytes(4).toString('hex')}` })));
