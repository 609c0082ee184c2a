import net from 'node:net';
import process from 'node:process';

/**
 * The socket check shared by test processes (test/offline-guard.ts) and the CLI processes tests start
 * (test/offline-guard-child.mjs): a connect to anything beyond loopback is refused, as an offline machine refuses
 * it, and reported. Reserved names that can never resolve (.invalid, .example, .test, .localhost) are left to
 * fail in DNS; Unix sockets pass.
 */
const loopback = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3}|localhost|0\.0\.0\.0)$/i;
const neverResolves = /\.(?:invalid|example|test|localhost)\.?$/i;

/** The host and port of any form Socket#connect takes: (options), (port, host), (path), net.connect's normalized array. */
function targetOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    if (typeof first.path === 'string') return undefined;
    return { host: typeof first.host === 'string' ? first.host : 'localhost', port: first.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
  }
  return undefined;
}

function allowed(host) {
  const bare = host.replace(/^\[|\]$/g, '');
  return loopback.test(bare) || neverResolves.test(bare);
}

export function guardSockets(onRefused) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = targetOf(args);
    if (target === undefined || allowed(target.host)) return connect.apply(this, args);
    const where = `${target.host}:${String(target.port)}`;
    onRefused(where);
    const refused = Object.assign(new Error(`connect ECONNREFUSED ${where} (tests reach loopback only)`), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(refused));
    return this;
  };
}

/** What a guarded CLI process writes to stderr for each refusal, and how the test process finds it there. */
export const refusalMark = '[offline-guard] refused ';
export const refusalPattern = /\[offline-guard\] refused (\S+)/g;

/** The refusals of this test process and of the CLI processes it started, until a test's end reads them. */
export function refusedList() {
  globalThis.quorumRefusedTargets ??= [];
  return globalThis.quorumRefusedTargets;
}
