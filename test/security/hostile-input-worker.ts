import { parentPort, workerData } from 'node:worker_threads';
import { parseCalendar } from '../../src/intake/ical.js';
import { detectLinks, type LinkSources } from '../../src/intake/links.js';
import { urlMatchers } from '../../src/intake/matchers.js';

// Runs one hostile input off the test's thread, so an input that never finishes can be stopped (and reported)
// instead of hanging the whole run: the parsers are synchronous and cannot be interrupted where they run.
const input = workerData as { calendar: string } | { links: LinkSources };
const started = performance.now();
const result = 'calendar' in input ? parseCalendar(input.calendar, { horizonDays: 30, now: new Date('2024-03-01T00:00:00Z') }) : detectLinks(input.links, urlMatchers);
parentPort?.postMessage({ ms: performance.now() - started, result: JSON.parse(JSON.stringify(result)) as unknown });
