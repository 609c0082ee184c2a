import net from 'node:net';
import { afterAll, afterEach } from 'vitest';

/**
 * No test may reach beyond loopback: the machines that run the suite have no internet, and a test that needs
 * it would pass on one machine and hang on another. Every socket a test process opens is checked before it
 * connects; one to another host is refused, as an offline machine refuses it, and fails the test (or the file,
 * when a hook opened it) naming the host. Reserved names that can never resolve (.invalid, .example, .test,
 * .localhost) are left to fail in DNS. Child processes (the CLI tests' `node dist/...`) are not covered.
 */
const loopback = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3}|localhost|0\.0\.0\.0)$/i;
const neverResolves = /\.(?:invalid|example|test|localhost)\.?$/i;

interface Target {
  host: string;
  port: unknown;
}

/** The host of any form Socket#connect takes: (options), (port, host), (path), or net.connect's normalized array. */
function targetOf(args: unknown[]): Target | undefined {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof options.path === 'string') return undefined;
    return { host: typeof options.host === 'string' ? options.host : 'localhost', port: options.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
  }
  return undefined;
}

function allowed(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return loopback.test(bare) || neverResolves.test(bare);
}

const refusedTargets: string[] = [];
const connect = net.Socket.prototype.connect as (this: net.Socket, ...args: unknown[]) => net.Socket;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
  const target = targetOf(args);
  if (target === undefined || allowed(target.host)) return connect.apply(this, args);
  const where = `${target.host}:${String(target.port)}`;
  refusedTargets.push(where);
  const refused = Object.assign(new Error(`connect ECONNREFUSED ${where} (tests reach loopback only)`), { code: 'ECONNREFUSED' });
  process.nextTick(() => this.destroy(refused));
  return this;
} as typeof net.Socket.prototype.connect;

function failOnAttempts(): void {
  if (refusedTargets.length === 0) return;
  const targets = [...new Set(refusedTargets.splice(0))];
  throw new Error(`tried to reach beyond loopback (refused): ${targets.join(', ')}`);
}

afterEach(failOnAttempts);
afterAll(failOnAttempts);
