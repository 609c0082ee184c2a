import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountLeases, EncryptedStateFile } from '../../src/scheduler/account-lease.js';
import { isSessionError } from '../../src/sessions/session-error.js';

const later = (ms: number) => new Date(Date.now() + ms);

describe('account leases', () => {
  it('gives one account to one holder at a time, then to waiters in arrival order', async () => {
    const leases = new AccountLeases();
    const signal = new AbortController().signal;
    const release = await leases.acquire('teams:bot@x', 's1', signal, later(5_000));
    const order: string[] = [];
    const second = leases.acquire('teams:bot@x', 's2', signal, later(5_000)).then((r) => (order.push('s2'), r));
    const third = leases.acquire('teams:bot@x', 's3', signal, later(5_000)).then((r) => (order.push('s3'), r));
    // Another account is independent.
    (await leases.acquire('teams:other@x', 's4', signal, later(5_000)))();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(leases.holder('teams:bot@x')).toBe('s1');
    release();
    (await second)();
    (await third)();
    expect(order).toEqual(['s2', 's3']);
    expect(leases.holder('teams:bot@x')).toBeUndefined();
  });

  it('fails account_busy when the account stays busy past the deadline, and stops waiting on abort', async () => {
    const leases = new AccountLeases();
    await leases.acquire('webex:bot@x', 's1', new AbortController().signal, later(5_000));
    const busy = await leases.acquire('webex:bot@x', 's2', new AbortController().signal, later(200)).catch((e: unknown) => e);
    expect(isSessionError(busy) && busy.endCode).toBe('account_busy');
    const controller = new AbortController();
    const waiting = leases.acquire('webex:bot@x', 's3', controller.signal, later(5_000)).catch((e: unknown) => e);
    controller.abort();
    expect(await waiting).toBeInstanceOf(Error);
    expect(leases.holder('webex:bot@x')).toBe('s1');
  });
});

describe('encrypted signed-in state', () => {
  it('round-trips the state and keeps nothing readable on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-state-'));
    const key = Buffer.alloc(32, 7);
    const file = new EncryptedStateFile(join(dir, 'a.state'), async () => key);
    expect(await file.load()).toBeUndefined();
    const state = JSON.stringify({ cookies: [{ name: 'ESTSAUTH', value: 'secret-token' }] });
    await file.save(state);
    expect(readFileSync(join(dir, 'a.state')).toString('latin1')).not.toContain('secret-token');
    expect(await file.load()).toBe(state);
    const wrongKey = new EncryptedStateFile(join(dir, 'a.state'), async () => Buffer.alloc(32, 8));
    await expect(wrongKey.load()).rejects.toThrow();
  });
});
