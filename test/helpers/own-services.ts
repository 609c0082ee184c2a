import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';

/**
 * A Redis and a PostgreSQL of a test's own, on free loopback ports in a temporary folder, so outage tests can
 * stop and start them without touching the shared ones other test files use. The binaries are the ones
 * scripts/services.sh installs (Debian's redis-server and postgresql packages).
 */
export interface OwnRedis {
  url: string;
  stop(): void;
  start(): void;
  close(): void;
}

export interface OwnRedisOptions {
  /**
   * Keep the data across a stop and start, as a production Redis does (an append-only file in a temporary folder,
   * and `shutdown save`): jobs come back with their locks expired. Unset: every restart starts empty.
   */
  persist?: boolean;
}

export function startOwnRedis(port: number, options: OwnRedisOptions = {}): OwnRedis {
  const dir = options.persist ? mkdtempSync(join(tmpdir(), 'quorum-redis-')) : undefined;
  // No persistence: a restart loses every key, the harshest case for the queue (jobs must be planned again).
  const storage = dir ? ['--dir', dir, '--appendonly', 'yes', '--save', ''] : ['--save', '', '--appendonly', 'no'];
  const start = () => {
    execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...storage, '--daemonize', 'yes', '--logfile', '']);
    waitFor(() => ping(port), 'redis to answer');
  };
  const stop = () => {
    execFileSync('redis-cli', ['-p', String(port), 'shutdown', dir ? 'save' : 'nosave']);
    waitFor(() => !ping(port), 'redis to stop');
  };
  const close = () => {
    if (ping(port)) stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, close };
}

function ping(port: number): boolean {
  try {
    return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('PONG');
  } catch {
    return false;
  }
}

export interface OwnPostgres {
  /** A database `quorum` owned by the superuser `postgres`, trusted on loopback. */
  url: string;
  stop(): void;
  start(): void;
  restart(): void;
  close(): void;
}

/** PostgreSQL's server binaries: Debian keeps them out of PATH, under /usr/lib/postgresql/<version>/bin. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql: run scripts/services.sh');
  return join(root, newest, 'bin');
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'quorum-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root; as root (CI, containers) the cluster belongs to the `postgres` user.
  const root = process.getuid?.() === 0;
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), 0);
  const run = (tool: string, args: string[]) => {
    const command = [join(bin, tool), ...args];
    if (root) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command.map(quote).join(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
    else execFileSync(command[0] ?? '', command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ctl = (action: string) => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, action]);
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  ctl('start');
  run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-qc', 'create database quorum']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/quorum`,
    stop: () => ctl('stop'),
    start: () => ctl('start'),
    restart: () => ctl('restart'),
    close: () => {
      try {
        ctl('stop');
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

function waitFor(check: () => boolean, what: string): void {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    execFileSync('sleep', ['0.1']);
  }
}
