import { describe, expect, it } from 'vitest';
import { cachingResolver } from './dns.js';
import type { DnsResolver } from './dns.js';

function counting(answer: (name: string) => Promise<string[][]>): { resolver: DnsResolver; asked: string[] } {
  const asked: string[] = [];
  return { asked, resolver: (name) => (asked.push(name), answer(name)) };
}

const failure = (code: string) => Object.assign(new Error(code), { code });

describe('the DNS cache', () => {
  it('answers a name again from the cache until its lifetime ends', async () => {
    let clock = 0;
    const { resolver, asked } = counting(async () => [['v=spf1 -all']]);
    const cached = cachingResolver(resolver, { ttlMs: 1000, now: () => clock });
    await expect(cached('acme.example', 'TXT')).resolves.toEqual([['v=spf1 -all']]);
    await cached('ACME.example.', 'txt');
    clock = 999;
    await cached('acme.example', 'TXT');
    expect(asked).toEqual(['acme.example']);
    clock = 1000;
    await cached('acme.example', 'TXT');
    expect(asked).toHaveLength(2);
  });

  it('asks once for questions asked at the same time, and keeps record types apart', async () => {
    const { resolver, asked } = counting(async () => [['x']]);
    const cached = cachingResolver(resolver, { ttlMs: 1000 });
    await Promise.all([cached('a.example', 'TXT'), cached('a.example', 'TXT'), cached('a.example', 'MX')]);
    expect(asked).toEqual(['a.example', 'a.example']);
  });

  it('keeps "no such record" but asks again after a failing server', async () => {
    const { resolver, asked } = counting(async (name) => {
      throw failure(name.startsWith('missing') ? 'ENOTFOUND' : 'ETIMEOUT');
    });
    const cached = cachingResolver(resolver, { ttlMs: 1000 });
    for (let n = 0; n < 2; n += 1) {
      await expect(cached('missing.example', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
      await expect(cached('slow.example', 'TXT')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    }
    expect(asked).toEqual(['missing.example', 'slow.example', 'slow.example']);
  });

  it('forgets the oldest name when full', async () => {
    const { resolver, asked } = counting(async () => [['x']]);
    const cached = cachingResolver(resolver, { ttlMs: 1000, maxEntries: 2 });
    for (const name of ['a', 'b', 'c', 'b', 'a']) await cached(name, 'TXT');
    expect(asked).toEqual(['a', 'b', 'c', 'a']);
  });
});
