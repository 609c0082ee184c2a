import { Redis } from 'ioredis';
import type { LiveBus } from './bus.js';

export interface RedisBus extends LiveBus {
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

export interface RedisBusOptions {
  /**
   * Connection errors of both clients. ioredis reconnects by itself (and subscribes again); without a listener it
   * prints every failed attempt to stderr.
   */
  onError?: (error: unknown) => void;
}

/**
 * The live bus across machines: every process publishes to Redis and hears every message, its own
 * included, so a console on one machine streams the log of a bot running on another.
 */
export async function createRedisBus(redisUrl: string, channelPrefix = 'quorum:', options: RedisBusOptions = {}): Promise<RedisBus> {
  const publisher = new Redis(redisUrl, { lazyConnect: true });
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
  const onError = (error: unknown) => options.onError?.(error);
  publisher.on('error', onError);
  subscriber.on('error', onError);
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const listeners = new Map<string, Set<(message: unknown) => void>>();
  subscriber.on('message', (channel: string, payload: string) => {
    const set = listeners.get(channel.slice(channelPrefix.length));
    if (!set) return;
    const message: unknown = JSON.parse(payload);
    for (const listener of set) listener(message);
  });
  return {
    publish(topic, message) {
      publisher.publish(channelPrefix + topic, JSON.stringify(message)).catch(() => undefined);
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
        subscriber.subscribe(channelPrefix + topic).catch(() => undefined);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size > 0) return;
        listeners.delete(topic);
        subscriber.unsubscribe(channelPrefix + topic).catch(() => undefined);
      };
    },
    /** Both clients connected and Redis answering a ping within two seconds. */
    async reachable() {
      if (publisher.status !== 'ready' || subscriber.status !== 'ready') return false;
      const timeout = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('redis ping timed out')), 2000).unref());
      return Promise.race([publisher.ping(), timeout]).then(
        () => true,
        () => false,
      );
    },
    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
