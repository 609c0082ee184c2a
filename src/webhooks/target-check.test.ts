import { describe, expect, it } from 'vitest';
import { isInternalAddress } from './target-check.js';

describe('internal webhook targets', () => {
  it.each(['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd12::1', 'fe80::1', '::ffff:10.0.0.1', '::FFFF:127.0.0.1'])('%s is internal', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2001:db8::1', '::ffff:8.8.8.8', 'example.com'])('%s is not', (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });
});
