import { describe, expect, it } from 'vitest';
import { withStoreRetry } from '../../src/sessions/store-retry.js';
import { StaleAttemptError, TransitionError } from '../../src/sessions/session-store.js';

const fast = [1, 1, 1];

/** A bot's store writes outlast a database blip; refusals and writes that landed are not repeated. */
describe('store writes of a bot attempt', () => {
  it('tries again while the store fails, and returns what the write that worked returned', async () => {
    let calls = 0;
    const write = () => (++calls < 3 ? Promise.reject(new Error('Connection terminated unexpectedly')) : Promise.resolve('moved'));
    await expect(withStoreRetry(write, undefined, fast)).resolves.toBe('moved');
    expect(calls).toBe(3);
  });

  it('does not write twice when a failed try was committed after all', async () => {
    let calls = 0;
    const write = () => {
      calls += 1;
      return Promise.reject(new Error('the answer was lost'));
    };
    await expect(withStoreRetry(write, () => Promise.resolve('already moved'), fast)).resolves.toBe('already moved');
    expect(calls).toBe(1);
  });

  it('throws a refusal at once, and the last failure once the tries run out', async () => {
    let calls = 0;
    const refused = () => {
      calls += 1;
      return Promise.reject(new StaleAttemptError('s', 'recording', 'leaving', { attempt: 1 }, { attempt: 2, workerId: null }));
    };
    await expect(withStoreRetry(refused, undefined, fast)).rejects.toBeInstanceOf(TransitionError);
    expect(calls).toBe(1);
    calls = 0;
    const down = () => {
      calls += 1;
      return Promise.reject(new Error(`down ${calls}`));
    };
    await expect(withStoreRetry(down, () => Promise.resolve(undefined), fast)).rejects.toThrow('down 4');
    expect(calls).toBe(4);
  });
});
