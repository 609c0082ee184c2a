// Loaded with --import into every CLI process a test starts (test/helpers/cli.ts): refusals go to stderr, where
// the test process reads them and fails the test (test/offline-guard.ts).
import process from 'node:process';
import { guardSockets, refusalMark } from './offline-guard-core.mjs';

guardSockets((where) => process.stderr.write(`${refusalMark}${where}\n`));
