/** Where connection news goes: the infrastructure's logger, or nowhere. */
export interface ConnectionLog {
  warn(object: Record<string, unknown>, message: string): void;
  info(object: Record<string, unknown>, message: string): void;
}

export interface ConnectionWatch {
  /** A connection error from any client of the dependency: logged once per outage, not once per reconnect. */
  error(error: unknown): void;
  /** Whether the dependency was last seen unreachable. */
  readonly down: boolean;
  close(): void;
}

/**
 * Turns the error storms of a dependency's clients into one line when it goes away and one when it is back.
 * ioredis retries forever and reports every failed attempt (printing each to stderr when nobody listens), and
 * BullMQ prints the stack of every error its queue re-emits with no listener. While down, `probe` is tried every
 * `everyMs` until it answers.
 */
export function watchConnection(log: ConnectionLog | undefined, what: string, probe: () => Promise<unknown>, everyMs = 1000): ConnectionWatch {
  let since: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    timer = undefined;
    probe().then(
      () => {
        log?.warn({ dependency: what, downForMs: Date.now() - (since ?? Date.now()) }, `${what} answers again`);
        since = undefined;
      },
      () => {
        timer = setTimeout(check, everyMs).unref();
      },
    );
  };
  return {
    error(error) {
      if (since !== undefined) return;
      since = Date.now();
      log?.warn({ err: error, dependency: what }, `${what} is unreachable; retrying until it answers`);
      timer = setTimeout(check, everyMs).unref();
    },
    get down() {
      return since !== undefined;
    },
    close() {
      clearTimeout(timer);
    },
  };
}
