import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** `host:pid:nonce`: enough to tell, on the same host, whether the process that held a session is gone. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** True when the worker ran on this host and its process no longer exists. Other hosts rely on leases. */
export function isLocalWorkerGone(workerId: string, self: string): boolean {
  if (workerId === self) return false;
  const [host, pidText] = workerId.split(':');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
