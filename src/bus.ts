import { EventEmitter } from 'node:events';

/**
 * Live fan-out of session changes and log lines to subscribers (WebSocket clients, the demo, tests).
 * In the embedded mode it is an in-process emitter; the scale-out mode puts Redis pub/sub behind the same port.
 */
export interface LiveBus {
  publish(topic: string, message: unknown): void;
  subscribe(topic: string, listener: (message: unknown) => void): () => void;
  /** Whether the bus's backing service answers (Redis in the scale-out mode; the in-process bus always does). */
  reachable?(): Promise<boolean>;
}

export function createMemoryBus(): LiveBus {
  const emitter = new EventEmitter();
  // One listener per open WebSocket: the default cap of 10 would warn on a busy console.
  emitter.setMaxListeners(0);
  return {
    publish(topic, message) {
      emitter.emit(topic, message);
    },
    subscribe(topic, listener) {
      emitter.on(topic, listener);
      return () => emitter.off(topic, listener);
    },
  };
}

export const topics = {
  sessions: 'sessions',
  /** Requests to the process running a bot (stop it with an end code). */
  control: 'control',
  sessionLog: (sessionId: string) => `log:${sessionId}`,
  /** An invite e-mail stored or finished (`{id, status}`): the console's Invites view follows it. */
  inbound: 'inbound',
} as const;
