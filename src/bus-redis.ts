import { Redis } from 'ioredis';
import type { LiveBus } from './bus.js';

export interface RedisBus extends LiveBus {
  close(): Promise<void>;
}

/**
 * The live bus across machines: every process publishes to Redis and hears every message, its own
 * included, so a console on one machine streams the log of a bot running on another.
 */
export async function createRedisBus(redisUrl: string, channelPrefix = 'quorum:'): Promise<RedisBus> {
  const publisher = new Redis(redisUrl, { lazyConnect: true });
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
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
    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
