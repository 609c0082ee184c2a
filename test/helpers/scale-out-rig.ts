import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startSimulator, type Simulator } from '../sim/index.js';
import { runCli, type CliRun } from './cli.js';
import { freePort } from './net.js';
import { startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from './own-services.js';
import { adminToken } from './quorum.js';

/**
 * Quorum's scale-out processes (`serve`, `worker`) on a PostgreSQL and a Redis of the test's own, which it may
 * stop and start, with the simulator's meetings: what the outage suites share.
 */
export interface ScaleOutRig {
  sim: Simulator;
  redis: OwnRedis;
  postgres: OwnPostgres;
  /** The serve process's API. */
  base: string;
  smtpPort: number;
  workerPort: number;
  /** The queue and pub/sub prefix, so a test can look at the BullMQ queue itself. */
  prefix: string;
  /** The environment every process gets (a test adds its own settings per process). */
  env: Record<string, string>;
  /** Starts `quorum <command>` with the rig's environment and `extra`; closed by `close()`. */
  run(command: 'serve' | 'worker', extra?: Record<string, string>): CliRun;
  close(): Promise<void>;
}

export async function startScaleOutRig(options: { name: string; persistRedis?: boolean; env?: Record<string, string> }): Promise<ScaleOutRig> {
  const [sim, redis, postgres] = await Promise.all([
    startSimulator({ chromiumPath: '/usr/bin/chromium', log: pino({ level: 'silent' }) }),
    freePort().then((port) => startOwnRedis(port, { persist: options.persistRedis === true })),
    startOwnPostgres(),
  ]);
  const [port, smtpPort, workerPort] = [await freePort(), await freePort(), await freePort()];
  const prefix = `${options.name}-${randomBytes(4).toString('hex')}`;
  const env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    QUORUM_REDIS_PREFIX: prefix,
    QUORUM_DATA_DIR: mkdtempSync(join(tmpdir(), `quorum-${options.name}-`)),
    QUORUM_HTTP_PORT: String(port),
    QUORUM_SMTP_PORT: String(smtpPort),
    QUORUM_WORKER_HTTP_PORT: String(workerPort),
    QUORUM_ADMIN_TOKEN: adminToken,
    QUORUM_LOG_LEVEL: 'warn',
    QUORUM_BROWSER_ARGS: JSON.stringify(sim.chromiumArgs()),
    // A bot joins at the meeting's start, so a test chooses whether a join falls in an outage.
    QUORUM_LEAD_SECONDS: '0',
    ...options.env,
  };
  const runs: CliRun[] = [];
  return {
    sim,
    redis,
    postgres,
    base: `http://127.0.0.1:${port}`,
    smtpPort,
    workerPort,
    prefix,
    env,
    run(command, extra = {}) {
      const run = runCli([command], { ...env, ...extra });
      runs.push(run);
      return run;
    },
    async close() {
      for (const run of runs) run.child.kill('SIGKILL');
      await Promise.all(runs.map((run) => run.exited));
      await sim.close();
      redis.close();
      postgres.close();
    },
  };
}
