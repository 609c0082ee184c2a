import { afterAll, afterEach } from 'vitest';
import { guardSockets, refusedList } from './offline-guard-core.mjs';

/**
 * No test may reach beyond loopback: the machines that run the suite have no internet, and a test that needs
 * it would pass on one machine and hang on another. Every socket a test process opens is checked before it
 * connects, and so is every socket of the CLI processes it starts (test/helpers/cli.ts loads the same check into
 * them); one to another host is refused, as an offline machine refuses it, and fails the test (or the file, when
 * a hook opened it) naming the host.
 */
const refusedTargets = refusedList();
guardSockets((where) => refusedTargets.push(where));

function failOnAttempts(): void {
  if (refusedTargets.length === 0) return;
  const targets = [...new Set(refusedTargets.splice(0))];
  throw new Error(`tried to reach beyond loopback (refused): ${targets.join(', ')}`);
}

afterEach(failOnAttempts);
afterAll(failOnAttempts);
