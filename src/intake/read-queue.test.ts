import { describe, expect, it } from 'vitest';
import { ReadQueue } from './read-queue.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A read that runs until its `finish` is called; `started` says whether the queue has begun it. */
function manualRead(name: string, log: string[]) {
  let finish: (value: string) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const state = { started: false };
  const read = () =>
    new Promise<string>((resolve, reject) => {
      state.started = true;
      log.push(`start ${name}`);
      finish = resolve;
      fail = reject;
    });
  return { read, state, finish: (value = name) => finish(value), fail: (error: Error) => fail(error) };
}

describe('ReadQueue', () => {
  it('reads in arrival order, two at a time, and starts the next as one ends', async () => {
    const queue = new ReadQueue(2);
    const log: string[] = [];
    const reads = ['a', 'b', 'c', 'd'].map((name) => manualRead(name, log));
    const results = reads.map((read) => queue.add(read.read));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    reads[1]?.finish();
    expect(await results[1]).toBe('b');
    await tick();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    reads[0]?.finish();
    reads[2]?.finish();
    await tick();
    expect(reads[3]?.state.started).toBe(true);
    reads[3]?.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lets one more read start for every DNS lookup in flight, and no more once it is answered', async () => {
    const queue = new ReadQueue(1);
    const log: string[] = [];
    let answer: (records: string[]) => void = () => undefined;
    const resolver = queue.counting(() => new Promise<string[]>((resolve) => (answer = resolve)));
    const waiting = manualRead('a', log);
    const second = manualRead('b', log);
    const third = manualRead('c', log);
    const a = queue.add(async () => {
      const started = waiting.read();
      await resolver('example.com', 'TXT');
      return started;
    });
    const b = queue.add(second.read);
    const c = queue.add(third.read);
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    answer(['v=spf1 -all']);
    second.finish();
    await b;
    await tick();
    // a holds the only slot again now that its answer came: c waits for it.
    expect(third.state.started).toBe(false);
    waiting.finish();
    await a;
    await tick();
    expect(third.state.started).toBe(true);
    third.finish();
    expect(await c).toBe('c');
  });

  it('hands a failed read its error and goes on with the rest', async () => {
    const queue = new ReadQueue(1);
    const log: string[] = [];
    const bad = manualRead('bad', log);
    const good = manualRead('good', log);
    const failed = queue.add(bad.read);
    const next = queue.add(good.read);
    await tick();
    bad.fail(new Error('unreadable'));
    await expect(failed).rejects.toThrow('unreadable');
    await tick();
    good.finish();
    expect(await next).toBe('good');
  });
});
