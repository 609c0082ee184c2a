#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { ApiClient } from './client.js';
import { registerClientCommands } from './commands.js';
import { registerDeleteRecordingsCommand } from './delete-recordings.js';
import { describeError, explainListenError, reportError, wantsJson } from './errors.js';
import { registerExplainCommand } from './explain.js';
import { registerInboundCommands } from './inbound.js';
import { demoProviders } from './demo-providers.js';
import { port } from './options.js';
import { quorumVersion } from './version.js';

// The server side (Fastify, the stores, Playwright, the simulator) loads only for the commands that run it, so a
// client command like `quorum sessions` starts in a fraction of the time.
const server = () => import('../main.js');

const json = wantsJson(process.argv.slice(2));
const program = new Command('quorum').description('Quorum: a self-hosted meeting bot orchestrator').version(quorumVersion(), '-V, --version', 'print the version of Quorum');
// Set before the commands are added: commander copies these to each subcommand when it creates it.
// With --json a usage error is JSON on stdout too, without the help text around it.
program.showHelpAfterError(json ? false : '(add --help for usage)').configureOutput({
  outputError: (text, write) => {
    if (json) reportError({ code: 'usage', message: text.replace(/^error: /, '').trim() }, true, { stdout: (t) => process.stdout.write(t), stderr: write });
    else write(text);
  },
});

program
  .command('serve')
  .description('run the API, SMTP intake, scheduler and bots (embedded mode: SQLite and an in-process queue)')
  .option('--simulate', 'start the provider simulator in this process and point every bot at it')
  .action(async (opts: { simulate?: boolean }) => {
    const config = loadConfig(process.env, opts.simulate ? { QUORUM_SIMULATE: true } : {});
    // No bot slots and no queue another process reads: every planned session would stay `scheduled`, silently.
    if (config.QUORUM_CONCURRENCY === 0 && !config.DATABASE_URL && !config.REDIS_URL) {
      throw new ConfigError('QUORUM_CONCURRENCY=0 runs no bots, and in the embedded mode (no DATABASE_URL and REDIS_URL) no other process does; set it to 1 or more (0 is for an API-only `quorum serve` in the scale-out mode)');
    }
    const ports = { [config.QUORUM_HTTP_PORT]: 'QUORUM_HTTP_PORT', [config.QUORUM_SMTP_PORT]: 'QUORUM_SMTP_PORT' };
    const { startQuorum } = await server();
    const quorum = await startQuorum(config).catch((error: unknown) => Promise.reject(explainListenError(error, ports)));
    // With --simulate, where to create simulated meetings (`POST /sim/v1/meetings`).
    const simulator = quorum.simulator ? { simulatorControl: quorum.simulator.controlUrl } : {};
    quorum.logger.info({ url: quorum.url, mode: quorum.mode, dataDir: config.QUORUM_DATA_DIR, simulate: config.QUORUM_SIMULATE, ...simulator }, 'Quorum is serving');
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
  .description('scale-out: run bots from the shared queue (needs DATABASE_URL and REDIS_URL); no API, only /healthz and /metrics on QUORUM_WORKER_HTTP_PORT')
  .action(async () => {
    const config = loadConfig();
    if (!config.DATABASE_URL || !config.REDIS_URL) throw new ConfigError('quorum worker needs DATABASE_URL and REDIS_URL (the embedded mode runs bots inside `quorum serve`)');
    const { startQuorum } = await server();
    const ports = { [config.QUORUM_WORKER_HTTP_PORT]: 'QUORUM_WORKER_HTTP_PORT' };
    const quorum = await startQuorum(config, { api: false }).catch((error: unknown) => Promise.reject(explainListenError(error, ports)));
    quorum.logger.info({ mode: quorum.mode, health: `${quorum.url}/healthz` }, 'Quorum worker is taking joins from the queue');
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
  .option('--https-port <port>', 'port for the provider pages (0: a free one)', port, 0)
  .option('--control-port <port>', 'port for the control API (0: a free one)', port, 0)
  .action(async (opts: { httpsPort: number; controlPort: number }) => {
    const config = loadConfig();
    const [{ pino }, { startSimulator }] = await Promise.all([import('pino'), import('../../test/sim/index.js')]);
    const log = pino({ level: config.QUORUM_LOG_LEVEL });
    const ports = { [opts.httpsPort]: '--https-port', [opts.controlPort]: '--control-port' };
    const sim = await startSimulator({ chromiumPath: config.CHROMIUM_PATH, httpsPort: opts.httpsPort, controlPort: opts.controlPort, log }).catch((error: unknown) =>
      Promise.reject(explainListenError(error, ports)),
    );
    process.stdout.write(`simulator control API: ${sim.controlUrl}\n`);
    process.stdout.write(`point Quorum's bots at it with:\n  QUORUM_BROWSER_ARGS='${JSON.stringify(sim.chromiumArgs())}'\n`);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('demo')
  .description('record a simulated meeting end to end: invite → schedule → join → lobby → record → leave')
  .addOption(
    new Option('--provider <provider>', 'one provider, or all of them one after the other (zoom: the bot asks the host for recording permission)')
      .choices([...demoProviders, 'all'])
      .default('meet'),
  )
  .option('--data-dir <dir>', 'keep the demo data here instead of a temporary folder')
  .option('--json', 'print only a JSON summary')
  .action(async (opts: { provider: string; json?: boolean; dataDir?: string }) => {
    const interrupt = new AbortController();
    const onSignal = () => {
      if (interrupt.signal.aborted) process.exit(130);
      process.stderr.write('\nquorum demo: interrupted; closing the bots, Quorum and the simulator (Ctrl-C again to quit at once)\n');
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const { runDemo } = await import('./demo.js');
    process.exit(await runDemo({ provider: opts.provider, json: Boolean(opts.json), dataDir: opts.dataDir, signal: interrupt.signal }));
  });

registerClientCommands(program, () => new ApiClient(loadConfig()));
registerDeleteRecordingsCommand(program, () => new ApiClient(loadConfig()));
registerExplainCommand(program, () => new ApiClient(loadConfig()));
registerInboundCommands(program, () => new ApiClient(loadConfig()));

program.parseAsync(process.argv).catch((error: unknown) => {
  reportError(describeError(error), json, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
  process.exit(1);
});
