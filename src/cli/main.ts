#!/usr/bin/env node
import { Command } from 'commander';
import { pino } from 'pino';
import { startSimulator } from '../../test/sim/index.js';
import { ConfigError, loadConfig } from '../config.js';
import { startQuorum } from '../main.js';
import { ApiClient, ApiError } from './client.js';
import { registerClientCommands } from './commands.js';
import { registerExplainCommand } from './explain.js';
import { registerInboundCommands } from './inbound.js';
import { demoProviders, runDemo } from './demo.js';

const program = new Command('quorum').description('Quorum: a self-hosted meeting bot orchestrator').showHelpAfterError();

program
  .command('serve')
  .description('run the API, scheduler and bots (embedded mode: SQLite and an in-process queue)')
  .option('--simulate', 'start the provider simulator in this process and point every bot at it')
  .action(async (opts: { simulate?: boolean }) => {
    const config = loadConfig(process.env, opts.simulate ? { QUORUM_SIMULATE: true } : {});
    const quorum = await startQuorum(config);
    quorum.logger.info({ url: quorum.url, mode: quorum.mode, dataDir: config.QUORUM_DATA_DIR, simulate: config.QUORUM_SIMULATE }, 'Quorum is serving');
    if (quorum.adminTokenCreated) {
      process.stderr.write(`\nAdmin API token (generated, kept in ${config.QUORUM_DATA_DIR}/admin-token):\n  ${quorum.adminToken}\n\n`);
    }
    const shutdown = (signal: string) => {
      quorum.logger.info({ signal }, 'shutting down: bots leave their meetings, then Quorum exits');
      quorum.close().then(
        () => process.exit(0),
        (error: unknown) => {
          quorum.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });

program
  .command('worker')
  .description('scale-out: run bots from the shared queue (needs DATABASE_URL and REDIS_URL); no HTTP API')
  .action(async () => {
    const config = loadConfig();
    if (!config.DATABASE_URL || !config.REDIS_URL) throw new ConfigError('quorum worker needs DATABASE_URL and REDIS_URL (the embedded mode runs bots inside `quorum serve`)');
    const quorum = await startQuorum(config, { api: false });
    quorum.logger.info({ mode: quorum.mode }, 'Quorum worker is taking joins from the queue');
    const shutdown = (signal: string) => {
      quorum.logger.info({ signal }, 'worker shutting down: bots leave their meetings');
      void quorum.close().then(() => process.exit(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });

program
  .command('sim')
  .description('run the provider simulator alone (control API over HTTP, provider pages over HTTPS)')
  .option('--https-port <port>', 'port for the provider pages', '0')
  .option('--control-port <port>', 'port for the control API', '0')
  .action(async (opts: { httpsPort: string; controlPort: string }) => {
    const config = loadConfig();
    const log = pino({ level: config.QUORUM_LOG_LEVEL });
    const sim = await startSimulator({ chromiumPath: config.CHROMIUM_PATH, httpsPort: Number(opts.httpsPort), controlPort: Number(opts.controlPort), log });
    process.stdout.write(`simulator control API: ${sim.controlUrl}\n`);
    process.stdout.write(`point Quorum's bots at it with:\n  QUORUM_BROWSER_ARGS='${JSON.stringify(sim.chromiumArgs())}'\n`);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('demo')
  .description('record a simulated meeting end to end: invite → schedule → join → lobby → record → leave')
  .option('--provider <provider>', `${demoProviders.join(', ')}, or all of them one after the other (zoom: the bot asks the host for recording permission)`, 'meet')
  .option('--data-dir <dir>', 'keep the demo data here instead of a temporary folder')
  .option('--json', 'print only a JSON summary')
  .action(async (opts: { provider: string; json?: boolean; dataDir?: string }) => {
    process.exit(await runDemo({ provider: opts.provider, json: Boolean(opts.json), dataDir: opts.dataDir }));
  });

registerClientCommands(program, () => new ApiClient(loadConfig()));
registerExplainCommand(program, () => new ApiClient(loadConfig()));
registerInboundCommands(program, () => new ApiClient(loadConfig()));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ApiError) {
    process.stderr.write(`quorum: ${error.message}\n`);
  } else {
    process.stderr.write(`quorum: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
