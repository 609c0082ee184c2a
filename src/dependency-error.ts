/** A service Quorum needs (PostgreSQL, Redis) that cannot be reached at start: one line naming it and its setting. */
export class UnreachableError extends Error {
  constructor(
    readonly service: 'PostgreSQL' | 'Redis',
    readonly setting: 'DATABASE_URL' | 'REDIS_URL',
    url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${service} at ${where(url)} (${setting}): ${reason(cause)}; is it running, and does ${setting} name it?`, { cause });
    this.name = 'UnreachableError';
  }
}

/** Whether an error means the service could not be reached or let in, as opposed to a fault once connected. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in reasons;
}

const reasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ECONNRESET: 'the connection was reset',
  '28P01': 'password authentication failed',
  '28000': 'the role may not log in',
  '3D000': 'the database does not exist',
};

function reason(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && reasons[code]) return reasons[code];
  return cause instanceof Error ? cause.message : String(cause);
}

/** host:port of a service URL, without its credentials. */
function where(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return 'an unreadable URL';
  }
}
