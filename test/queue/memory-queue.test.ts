import { MemoryQueue } from '../../src/queue/memory-queue.js';
import { jobQueueConformance } from './job-queue.conformance.js';

jobQueueConformance('in-process (p-queue)', () => Promise.resolve(new MemoryQueue()));
