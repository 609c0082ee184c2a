import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyedLock', () => {
  it('runs holders of a shared key one after another and others side by side', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const releaseA = await lock.acquire(['x', 'y']);
    const b = lock.acquire(['y']).then((release) => (order.push('b'), release));
    const c = lock.acquire(['z']).then((release) => (order.push('c'), release));
    await tick();
    expect(order).toEqual(['c']);
    releaseA();
    (await b)();
    (await c)();
    expect(order).toEqual(['c', 'b']);
  });

  it('never deadlocks on key sets taken in different orders', async () => {
    const lock = new KeyedLock();
    const first = await lock.acquire(['a', 'b']);
    const second = lock.acquire(['b', 'a']);
    const third = lock.acquire(['a']);
    first();
    (await second)();
    (await third)();
    expect(await lock.acquire(['a', 'b'])).toBeTypeOf('function');
  });
});
