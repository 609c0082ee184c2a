import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { ConfigError, type Config } from './config.js';

/** Whether bots run in this process: one with no bot slots (QUORUM_CONCURRENCY=0) only plans joins and serves. */
export function runsBots(config: Config): boolean {
  return config.QUORUM_CONCURRENCY > 0;
}

/** What is wrong with the Chromium at `path`, or undefined when it is an executable file. */
export async function chromiumProblem(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return `${path} is not a file`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `${path} does not exist` : `${path} cannot be read (${code ?? 'error'})`;
  }
  return access(path, constants.X_OK).then(
    () => undefined,
    () => `${path} is not executable`,
  );
}

/**
 * Refuses to start a process that runs bots (simulated meetings too: their bots and participants are Chromium
 * pages) without a Chromium to run them in. Found only at meeting time, it cost the meeting three failed attempts.
 */
export async function requireChromium(config: Config): Promise<void> {
  if (!runsBots(config)) return;
  const problem = await chromiumProblem(config.CHROMIUM_PATH);
  if (!problem) return;
  throw new ConfigError(
    `CHROMIUM_PATH: ${problem}; bots run in this process (QUORUM_CONCURRENCY=${config.QUORUM_CONCURRENCY}) and need Chromium: ` +
      "install Debian's chromium package (`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium executable",
  );
}

/** For /healthz: whether the Chromium checked at start is still there (a package upgrade may remove it); unset without bots. */
export function chromiumProbe(config: Config): (() => Promise<boolean>) | undefined {
  return runsBots(config) ? async () => (await chromiumProblem(config.CHROMIUM_PATH)) === undefined : undefined;
}
